// The baseline: a worker that answers a rerank-shaped call without ranking (same message format as
// pz-worker.js, and a result of the same shape), so the difference to pz.rerank is the library's own work.
self.addEventListener('message', (ev) => {
  const call = ev.data;
  const list = call.a[0];
  const items = list.map((c, i) => ({ id: c.id, score: 0, from: i, to: i }));
  self.postMessage({ i: call.i, r: { items, fellBack: false, tookMs: 0 } });
});
