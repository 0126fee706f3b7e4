/**
 * Deterministic inputs shared by the in-browser learner benchmark: the bench worker bundles this file,
 * and bench/learner-browser.ts uses it to write the candidate list the bench page hands to `pz.rerank`.
 * Candidates look like a real category listing: a category path, brand, price, three tags, a
 * 16-dimensional site embedding and a few related items.
 */
import { createRng, gaussian } from '../../src/core/util/rng';
import type { Candidate, ShopperEvent } from '../../src/core/types';

const CATEGORIES = [
  'beauty/makeup/lipstick',
  'beauty/makeup/mascara',
  'beauty/skincare/serum',
  'beauty/skincare/cream',
  'beauty/fragrance',
  'home/kitchen/cookware',
  'home/kitchen/knives',
  'home/decor',
  'fashion/shoes/sneakers',
  'fashion/bags',
  'groceries/coffee',
  'groceries/tea',
];
const BRANDS = ['Acme', 'Lumen', 'Nord', 'Orbit', 'Pico', 'Quill', 'Rivet', 'Sable', 'Tonic', 'Umbra', 'Vela', 'Wren'];
const TAGS = ['matte', 'vegan', 'organic', 'travel', 'gift', 'refill', 'bestseller', 'new', 'sale', 'premium', 'eco', 'classic'];

/** Length of the site embedding on every candidate. */
export const EMBEDDING_DIM = 16;

/**
 * `n` candidates in server order, the same for the same seed.
 * @example const list = benchCandidates(200, 1);
 */
export function benchCandidates(n: number, seed = 1): Candidate[] {
  const rng = createRng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rng() * a.length)]!;
  const out: Candidate[] = [];
  for (let i = 0; i < n; i++) {
    const category = pick(CATEGORIES);
    const tags = [pick(TAGS), pick(TAGS), pick(TAGS)].filter((t, j, a) => a.indexOf(t) === j);
    const embedding = Array.from({ length: EMBEDDING_DIM }, () => Math.round(gaussian(rng) * 1000) / 1000);
    const related = Array.from({ length: Math.floor(rng() * 4) }, (_, j) => ({
      id: `sku-${seed}-${Math.floor(rng() * n)}`,
      score: Math.round((1 - j * 0.2) * 100) / 100,
    }));
    out.push({
      id: `sku-${seed}-${i}`,
      title: `Product ${i}`,
      category,
      brand: pick(BRANDS),
      price: Math.round(Math.exp(1.5 + 2.5 * rng()) * 100) / 100,
      tags,
      embedding,
      related,
      consumable: category.startsWith('groceries') || category.startsWith('beauty'),
      ...(rng() < 0.02 ? { pinned: true } : {}),
      ...(rng() < 0.03 ? { available: false } : {}),
    });
  }
  return out;
}

/**
 * A shopper history over `candidates`: mostly views, some clicks, carts and a purchase, skewed toward
 * two categories, spread over the last `days` days before `now` (oldest first).
 * @example const events = benchEvents(benchCandidates(200), 80, Date.now());
 */
export function benchEvents(candidates: readonly Candidate[], count: number, now: number, days = 7, seed = 2): ShopperEvent[] {
  const rng = createRng(seed);
  const liked = candidates.filter((c) => c.category?.startsWith('beauty/skincare') || c.category === 'groceries/coffee');
  const pool = liked.length ? liked : candidates;
  const out: ShopperEvent[] = [];
  for (let i = 0; i < count; i++) {
    const item = rng() < 0.75 ? pool[Math.floor(rng() * pool.length)]! : candidates[Math.floor(rng() * candidates.length)]!;
    const r = rng();
    const type: ShopperEvent['type'] = r < 0.7 ? 'view' : r < 0.88 ? 'click' : r < 0.97 ? 'add_to_cart' : 'purchase';
    const ts = Math.round(now - (days * 86_400_000 * (count - i)) / count);
    const { pinned: _p, available: _a, ...features } = item;
    out.push({ id: `bench-ev-${seed}-${i}`, type, item: features, ts, ...(type === 'purchase' || type === 'add_to_cart' ? { value: 1 } : {}) });
  }
  return out;
}

/**
 * A list with everything the cleaner handles, the same every call: duplicates, numeric ids, bad prices,
 * messy tags and categories, bad embeddings, junk elements. `moreBadTags` go into the messy tag lists too.
 * @example const list = messyCandidates();
 */
export function messyCandidates(moreBadTags: readonly unknown[] = []): unknown[] {
  const base = benchCandidates(120, 5) as unknown as Record<string, unknown>[];
  const out: unknown[] = [];
  base.forEach((c, i) => {
    const x: Record<string, unknown> = { ...c };
    if (i % 7 === 0) x.price = 'abc';
    if (i % 11 === 0) x.tags = ['  Matte ', 'matte', 7, 'VEGAN', ...moreBadTags];
    if (i % 13 === 0) x.category = ` ${String(c.category).toUpperCase()} / `;
    if (i % 17 === 0) delete x.category;
    if (i % 19 === 0) x.id = i;
    if (i % 23 === 0) x.embedding = [1, Number.NaN];
    if (i % 29 === 0) x.brand = '';
    if (i % 31 === 0) x.extra = { nested: true };
    out.push(x);
    if (i % 9 === 0) out.push({ ...x, title: 'duplicate' });
    if (i % 37 === 0) out.push(null, 'junk', { id: '' });
  });
  return out;
}
