import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEvent, decayTo, emptyProfile, rebuildProfile } from '../../src/core/profile/profile';
import { EVENT_TYPES, type StoredEvent } from '../../src/core/types';
import { DAY, HOUR, randomEvents, T0 } from './profile-helpers';

const step = fc.record({
  gap: fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 3 * HOUR }), fc.integer({ min: 1, max: 40 * DAY })),
  type: fc.constantFrom(...EVENT_TYPES),
  item: fc.integer({ min: 0, max: 12 }),
  cat: fc.constantFrom('a', 'a/b', 'a/b/c', 'd/e', '__proto__/x', 'f'),
  brand: fc.option(fc.constantFrom('Acme', 'acme', 'Zed', 'constructor'), { nil: undefined }),
  tags: fc.array(fc.constantFrom('sale', 'red', 'vegan', 'toString'), { maxLength: 3 }),
  price: fc.option(fc.double({ min: 0, max: 2000, noNaN: true }), { nil: undefined }),
  value: fc.integer({ min: 1, max: 5 }),
  dwell: fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
  reuseId: fc.boolean(),
});

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function toEvents(steps: Step[]): StoredEvent[] {
  let ts = T0;
  return steps.map((s, i) => {
    ts += s.gap;
    const e: StoredEvent = { id: s.reuseId && i > 0 ? `id${i - 1}` : `id${i}`, type: s.type, ts };
    if (s.type !== 'search') {
      e.item = { id: `sku-${s.item}`, category: s.cat, tags: s.tags };
      if (s.brand !== undefined) e.item.brand = s.brand;
      if (s.price !== undefined) e.item.price = s.price;
    }
    if (s.type !== 'view' && s.type !== 'click') e.value = s.value;
    if (s.dwell !== undefined) e.dwellMs = s.dwell;
    return e;
  });
}

describe('incremental == replay', () => {
  it('rebuildProfile(log) equals the profile built event by event (property)', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), fc.integer({ min: 0, max: 90 * DAY }), (steps, after) => {
        const events = toEvents(steps);
        const now = (events.at(-1)?.ts ?? T0) + after;
        let p = emptyProfile(T0 - 5 * DAY);
        for (const e of events) p = applyEvent(p, e, e.ts);
        expect(rebuildProfile(events, now)).toEqual(decayTo(p, now));
      }),
      { seed: 20260105, numRuns: 150 },
    );
  });

  it('sorts the log by timestamp before replaying', () => {
    const events = randomEvents(400, 11);
    const shuffled = events.slice().reverse();
    const now = (events.at(-1)?.ts ?? T0) + HOUR;
    let p = emptyProfile(T0);
    for (const e of events) p = applyEvent(p, e, e.ts);
    expect(rebuildProfile(shuffled, now)).toEqual(decayTo(p, now));
  });

  it('matches over 20,000 events with long gaps (many re-anchorings)', () => {
    const events = randomEvents(20_000, 12, { maxGapMs: 6 * HOUR });
    const now = (events.at(-1)?.ts ?? T0) + DAY;
    let p = emptyProfile(T0);
    for (const e of events) p = applyEvent(p, e, e.ts);
    expect(rebuildProfile(events, now)).toEqual(decayTo(p, now));
  });
});
