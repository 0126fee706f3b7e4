// Count workers the page starts: a second copy of the loader must not start another.
window.__workers = 0;
var RealWorker = window.Worker;
window.Worker = function (url, opts) { window.__workers++; return new RealWorker(url, opts); };
