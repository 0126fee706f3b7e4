/**
 * The questions a site may ask its shoppers' devices, read from the site's published JSON (the same
 * for every shopper), and each device's true answer before perturbation. A question's answer is one
 * value out of at most {@link MAX_DOMAIN}; what leaves the device is only its ε-LDP encoding.
 */
import { InvalidQuestionError } from '../errors';
import { categoryKeys } from '../profile/keys';
import { chooseOracle, MAX_DOMAIN, type Oracle } from './oracle';
import { DAY_MS } from '../util/time';

/** Shortest period a question may have (tests use seconds; sites use days or weeks). */
export const MIN_PERIOD_MS = 1000;

/** What the site asks. */
export type Question =
  | (QuestionBase & { type: 'top-category'; categories: string[] })
  | (QuestionBase & { type: 'intent-bucket'; thresholds: number[] })
  | (QuestionBase & { type: 'lift'; controlShare: number });

interface QuestionBase {
  id: string;
  /** ε this question's report costs. */
  epsilon: number;
  /** Period length in ms: one report per period at most. */
  periodMs: number;
}

/** The site's report configuration (`GET` of the `data-report` URL). */
export interface ReportConfig {
  /** ε per 7 days (default 1, capped at 4 by the device). */
  budget?: number;
  questions: Question[];
}


function periodOf(raw: unknown): number {
  if (raw === undefined || raw === 'week') return 7 * DAY_MS;
  if (raw === 'day') return DAY_MS;
  if (typeof raw === 'number' && Number.isFinite(raw) && raw >= MIN_PERIOD_MS) return raw;
  throw new InvalidQuestionError('period', `period must be "day", "week" or a number of ms ≥ ${MIN_PERIOD_MS}, got ${JSON.stringify(raw)}`);
}

/** Reads the site's report configuration; throws {@link InvalidQuestionError} naming the bad field. */
export function readReportConfig(raw: unknown): ReportConfig {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { questions?: unknown }).questions)) {
    throw new InvalidQuestionError('questions', 'a report configuration is { budget?, questions: [...] }');
  }
  const r = raw as { budget?: unknown; questions: unknown[] };
  const ids = new Set<string>();
  const questions = r.questions.slice(0, 16).map((q, i): Question => {
    const o = (typeof q === 'object' && q !== null ? q : {}) as Record<string, unknown>;
    const where = `questions[${i}]`;
    if (typeof o.id !== 'string' || !/^[\w.-]{1,64}$/.test(o.id) || ids.has(o.id)) throw new InvalidQuestionError(`${where}.id`, `${where}.id must be a unique word of 1–64 characters`);
    ids.add(o.id);
    const epsilon = o.epsilon;
    if (typeof epsilon !== 'number' || !(epsilon > 0 && epsilon <= 4)) throw new InvalidQuestionError(`${where}.epsilon`, `${where}.epsilon must be in (0, 4], got ${JSON.stringify(epsilon)}`);
    const base = { id: o.id, epsilon, periodMs: periodOf(o.period) };
    if (o.type === 'top-category') {
      const cats = o.categories;
      if (!Array.isArray(cats) || cats.length < 1 || cats.length > MAX_DOMAIN - 1 || !cats.every((c) => typeof c === 'string' && c.trim() !== '')) {
        throw new InvalidQuestionError(`${where}.categories`, `${where}.categories must list 1–${MAX_DOMAIN - 1} category paths`);
      }
      return { ...base, type: 'top-category', categories: cats as string[] };
    }
    if (o.type === 'intent-bucket') {
      const t = o.thresholds;
      if (!Array.isArray(t) || t.length < 1 || t.length > MAX_DOMAIN - 1 || !t.every((x, j) => typeof x === 'number' && x > 0 && x < 1 && (j === 0 || x > (t[j - 1] as number)))) {
        throw new InvalidQuestionError(`${where}.thresholds`, `${where}.thresholds must be increasing numbers in (0, 1)`);
      }
      return { ...base, type: 'intent-bucket', thresholds: t as number[] };
    }
    if (o.type === 'lift') {
      const s = o.controlShare ?? 0.1;
      if (typeof s !== 'number' || !(s > 0 && s < 1)) throw new InvalidQuestionError(`${where}.controlShare`, `${where}.controlShare must be in (0, 1)`);
      return { ...base, type: 'lift', controlShare: s };
    }
    throw new InvalidQuestionError(`${where}.type`, `${where}.type must be "top-category", "intent-bucket" or "lift"`);
  });
  return { ...(r.budget !== undefined ? { budget: Number(r.budget) } : {}), questions };
}

/** Domain size of a question's answer. */
export function domainOf(q: Question): number {
  if (q.type === 'top-category') return q.categories.length + 1; // the last value: none of these
  if (q.type === 'intent-bucket') return q.thresholds.length + 1;
  return 2;
}

/** The oracle a question's reports use (device and decoder derive the same one). */
export function oracleOf(q: Question): Oracle {
  return chooseOracle(domainOf(q), q.epsilon);
}

/** What the device knows when it answers. */
export interface Facts {
  /** Long-horizon category affinities (profile key → value). */
  categories: ReadonlyMap<string, number> | Record<string, number>;
  purchaseIntent: number;
  /** The shopper bought something in the previous period. */
  boughtLastPeriod: boolean;
}

const get = (m: Facts['categories'], k: string) => (m instanceof Map ? m.get(k) : (m as Record<string, number>)[k]);

/** The true answer (before perturbation): an index in 0 … domainOf(q) − 1. */
export function answer(q: Question, facts: Facts): number {
  if (q.type === 'top-category') {
    let best = q.categories.length;
    let bestValue = 0;
    q.categories.forEach((c, i) => {
      const v = get(facts.categories, categoryKeys(c).at(-1) ?? '') ?? 0;
      if (v > bestValue) {
        best = i;
        bestValue = v;
      }
    });
    return best;
  }
  if (q.type === 'intent-bucket') return q.thresholds.filter((t) => facts.purchaseIntent >= t).length;
  return facts.boughtLastPeriod ? 1 : 0;
}

/** Period index of `now` for a question. */
export const periodIndex = (q: Question, now: number): number => Math.floor(now / q.periodMs);
