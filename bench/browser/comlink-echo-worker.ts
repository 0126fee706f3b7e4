/**
 * The packed floor through comlink: a module worker that answers `rerankPacked` through comlink's
 * `expose`, with the same answer as echo-worker.js's `floor` (the ids it was sent, positions in a
 * transferred `Float64Array`, nothing ranked or rebuilt). bench/browser-bench.ts builds it and calls
 * it with comlink's `wrap` on the page, so its difference to the bare floor is comlink's own work.
 */
import { expose, transfer } from 'comlink';
import type { PackedCandidates } from '../../src/core/input/packed';

expose({
  rerankPacked(p: PackedCandidates) {
    const numbers = new Float64Array(3 * p.ids.length);
    return transfer({ ids: p.ids, numbers, reasons: [], fellBack: false, tookMs: 0 }, [numbers.buffer]);
  },
});
