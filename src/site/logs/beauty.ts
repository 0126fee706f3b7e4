/**
 * Reader of the S3-Rec Amazon Beauty files (`Beauty.txt`: one shopper per line, items oldest first;
 * `Beauty_item2attributes.json`; `Beauty_negatives_99.txt.gz`, the benchmark's fixed negatives): the one
 * reader of this format for `train-prior` and the quality benchmark (the site pipeline reads
 * `Beauty.txt` with `pipeline/sql/read-sequences.sql`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from './read-text';

/** Time of position 0 of a sequence (2014-01-01 UTC); position k happens k days later. */
export const SEQUENCES_BASE_TS = Date.UTC(2014, 0, 1);

export interface BeautyUser {
  id: string;
  /** Item ids, oldest first. */
  items: string[];
  /** The user's 99 fixed negatives (empty when read without them). */
  negatives: string[];
}

export interface BeautyData {
  users: BeautyUser[];
  /** Attribute ids per item (brand first when known, then category-path nodes). */
  attributes: Map<string, string[]>;
}

/** Options of {@link loadBeauty}. */
export interface BeautyReadOptions {
  /**
   * `required` (default: the benchmark's protocol needs them) or `optional`: the fixed negatives are
   * an evaluation artefact, so a shop's own sequence export may come without the file.
   */
  negatives?: 'required' | 'optional';
}

/**
 * Reads `Beauty.txt`, `Beauty_item2attributes.json` and, when present or required,
 * `Beauty_negatives_99.txt.gz` from `dir`. A present negatives file must cover every user.
 */
export function loadBeauty(dir: string, o: BeautyReadOptions = {}): BeautyData {
  const negativesFile = join(dir, 'Beauty_negatives_99.txt.gz');
  const withNegatives = o.negatives !== 'optional' || existsSync(negativesFile);
  const negatives = new Map<string, string[]>();
  if (withNegatives) {
    for (const line of readText(negativesFile).split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 2) continue;
      negatives.set(f[0]!, f.slice(1));
    }
  }
  const users: BeautyUser[] = [];
  for (const line of readText(join(dir, 'Beauty.txt')).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2) continue;
    const id = f[0]!;
    const neg = negatives.get(id);
    if (withNegatives && !neg) throw new Error(`BeautyFormatError: no negatives for user ${id}`);
    users.push({ id, items: f.slice(1), negatives: neg ?? [] });
  }
  const raw = JSON.parse(readText(join(dir, 'Beauty_item2attributes.json'))) as Record<string, unknown>;
  const attributes = new Map<string, string[]>();
  for (const [item, attrs] of Object.entries(raw)) {
    if (!Array.isArray(attrs)) throw new Error(`BeautyFormatError: attributes of item ${item} is not an array`);
    attributes.set(
      item,
      attrs.map((a) => String(a)),
    );
  }
  return { users, attributes };
}
