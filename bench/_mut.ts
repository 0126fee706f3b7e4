import { applyEventMut, emptyProfile } from '../src/core/profile';
import { createRng } from '../src/core/rng';
import type { StoredEvent } from '../src/core/types';
// same stream as bench/profile.ts shopper
const T0 = Date.UTC(2026, 0, 5);
function zipf(rng: () => number, n: number, s = 1.1) { const u = rng(); const x = ((n ** (1 - s) - 1) * u + 1) ** (1 / (1 - s)); return Math.min(n - 1, Math.floor(x) - 1); }
const rng = createRng(1); const evs: StoredEvent[] = []; let ts = T0;
const types = ['view','view','view','view','view','click','click','add_to_cart','purchase','favorite'] as const;
for (let i = 0; i < 100000; i++) { ts += rng() < 0.05 ? Math.floor(rng() * 3 * 86400000) : Math.floor(rng() * 60000); const item = zipf(rng, 20000); const leaf = item % 240;
  evs.push({ id: 's' + i, type: types[i % 10]!, ts, item: { id: 'sku-' + item, category: `dept${leaf % 12}/cat${leaf % 60}/leaf${leaf}`, brand: 'brand-' + (item % 350), price: 5 + (item % 97) * 3.5, tags: ['tag-' + (item % 180), 'tag-' + ((item * 7) % 400)] } }); }
for (let r = 0; r < 8; r++) { const p = emptyProfile(T0); const t0 = performance.now(); for (const e of evs) applyEventMut(p, e, e.ts); console.log(Math.round(evs.length / ((performance.now() - t0) / 1000))); }
