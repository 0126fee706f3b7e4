// The baseline: a worker that answers a rerank-shaped call without ranking (same message format as
// pz-worker.js, and a result of the same shape), so the difference to pz.rerank is the library's own work.
self.addEventListener('message', function (ev) {
  var call = ev.data;
  var list = call.a[0];
  var items = [];
  for (var i = 0; i < list.length; i++) items.push({ id: list[i].id, score: 0, from: i, to: i });
  self.postMessage({ i: call.i, r: { items: items, fellBack: false, tookMs: 0 } });
});
