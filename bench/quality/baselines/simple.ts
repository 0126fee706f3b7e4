/** Non-personal reference policies: random and the server order. */
import { createRng } from '../../../src/core/util/rng';
import type { ProtocolName, ReplayPolicy } from '../types';

/** Every ranking protocol. */
const RANKING: readonly ProtocolName[] = ['beauty-loo', 'taobao-replay', 'shown-lists'];

/** Uniform random scores (seeded per shopper): the sanity floor. */
export function randomPolicy(): ReplayPolicy {
  return {
    name: 'random',
    protocols: RANKING,
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
    protocols: RANKING,
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

/**
 * "Items this shopper clicked before go first, then the server order": the one-line baseline a
 * learner must beat on repeated lists (most recent click first).
 */
export function clickedBeforePolicy(): ReplayPolicy {
  return {
    name: 'clicked-before-first',
    protocols: ['shown-lists'],
    newShopper: () => {
      const clicked = new Map<string, number>();
      let t = 0;
      return {
        observe: (e) => {
          if (e.item && e.type !== 'view' && e.type !== 'search') clicked.set(e.item.id, ++t);
        },
        rank: (candidates) => Float64Array.from(candidates, (c, i) => (clicked.get(c.id) ?? 0) * 1000 + candidates.length - i),
      };
    },
  };
}
