/** Loader for the S3-Rec Amazon Beauty files. */
import { join } from 'node:path';
import { readText } from './read-text';

export interface BeautyUser {
  id: string;
  /** Item ids, oldest first. */
  items: string[];
  /** The user's 99 fixed negatives. */
  negatives: string[];
}

export interface BeautyData {
  users: BeautyUser[];
  /** Attribute ids per item (brand first when known, then category-path nodes). */
  attributes: Map<string, string[]>;
}

/** Reads `Beauty.txt`, `Beauty_item2attributes.json` and `Beauty_negatives_99.txt.gz` from `dir`. */
export function loadBeauty(dir: string): BeautyData {
  const negatives = new Map<string, string[]>();
  for (const line of readText(join(dir, 'Beauty_negatives_99.txt.gz')).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2) continue;
    negatives.set(f[0]!, f.slice(1));
  }
  const users: BeautyUser[] = [];
  for (const line of readText(join(dir, 'Beauty.txt')).split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2) continue;
    const id = f[0]!;
    const neg = negatives.get(id);
    if (!neg) throw new Error(`BeautyFormatError: no negatives for user ${id}`);
    users.push({ id, items: f.slice(1), negatives: neg });
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
