// The baselines: a worker that answers a rerank-shaped call without ranking (same message format as
// pz-worker.js, and a result of the same shape), so the difference to pz.rerank is the library's own
// work. `rerank`: candidate objects in, result objects back (structured clones both ways).
// `rerankPacked`: the packed columns in, a packed result back, its numbers transferred.
// The platform's floor: `floor` answers a packed list with the ids it was sent and positions in a
// transferred Float64Array (no string conversion, nothing rebuilt); `nothing` answers an empty call.
self.addEventListener('message', (ev) => {
  const call = ev.data;
  if (call.m === 'nothing') {
    self.postMessage({ i: call.i });
    return;
  }
  if (call.m === 'floor') {
    const ids = call.a[0].ids;
    const numbers = new Float64Array(3 * ids.length);
    self.postMessage({ i: call.i, r: { ids, numbers, reasons: [], fellBack: false, tookMs: 0 } }, [numbers.buffer]);
    return;
  }
  if (call.m === 'rerankPacked') {
    const ids = call.a[0].ids.map(String);
    const numbers = new Float64Array(3 * ids.length);
    for (let k = 0; k < ids.length; k++) numbers[3 * k + 1] = numbers[3 * k + 2] = k;
    self.postMessage({ i: call.i, r: { ids, numbers, reasons: [], fellBack: false, tookMs: 0 } }, [numbers.buffer]);
    return;
  }
  const list = call.a[0];
  const items = list.map((c, i) => ({ id: c.id, score: 0, from: i, to: i }));
  self.postMessage({ i: call.i, r: { items, fellBack: false, tookMs: 0 } });
});
