import type { Timers } from '../../src/worker/service';

/** Timers on a virtual clock: nothing fires until the test advances it, so no test waits on real time. */
export function manualClock(start: number) {
  const clock = { t: start };
  const due = new Map<number, { at: number; fn: () => void }>();
  let next = 1;
  const timers: Timers = {
    setTimeout(fn, ms) {
      due.set(next, { at: clock.t + ms, fn });
      return next++;
    },
    clearTimeout(h) {
      due.delete(h as number);
    },
  };
  /** Moves the clock by `ms` and runs the timers that became due, in time order. */
  function advance(ms: number): number {
    clock.t += ms;
    let ran = 0;
    for (;;) {
      const ready = [...due].filter(([, x]) => x.at <= clock.t).sort((a, b) => a[1].at - b[1].at)[0];
      if (!ready) return ran;
      due.delete(ready[0]);
      ready[1].fn();
      ran++;
    }
  }
  return { clock, timers, advance, pending: () => due.size };
}
