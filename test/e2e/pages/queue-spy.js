// Keeps every worker the page starts, so a test can terminate one behind the personalizer's back.
window.__pzWorkers = [];
var RealWorker = window.Worker;
window.Worker = function (url, opts) {
  var w = new RealWorker(url, opts);
  window.__pzWorkers.push(w);
  return w;
};
