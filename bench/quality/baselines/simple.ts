/** Non-personal reference policies: random and the server order. */
import { createRng } from '../../../src/core/util/rng';
import type { ReplayPolicy } from '../types';

/** Uniform random scores (seeded per shopper): the sanity floor. */
export function randomPolicy(): ReplayPolicy {
  return {
    name: 'random',
    newShopper: (_user, seed) => {
      const rng = createRng(seed);
      return {
        observe: () => {},
        rank: (candidates) => Float64Array.from(candidates, () => rng()),
      };
    },
  };
}

/** Keeps the server order (what every shopper sees without the personalizer). */
export function serverOrderPolicy(): ReplayPolicy {
  return {
    name: 'server-order',
    newShopper: () => ({
      observe: () => {},
      rank: (candidates) => Float64Array.from(candidates, (_, i) => candidates.length - i),
    }),
  };
}

/** Training-split popularity from the site knowledge (Beauty); ties stay ties (neutral tie-break). */
export function popularityPolicy(): ReplayPolicy {
  let pop: ((id: string) => number) | undefined;
  return {
    name: 'popularity',
    protocols: ['beauty-loo'],
    prepare: (site) => {
      const items = site.items;
      if (!items) throw new Error('PolicyPrepareError: popularity needs site item knowledge');
      pop = (id) => items.popularity(id);
    },
    newShopper: () => ({
      observe: () => {},
      rank: (candidates) => Float64Array.from(candidates, (c) => pop!(c.id)),
    }),
  };
}
