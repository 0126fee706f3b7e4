// With ?first: the page's first calls, queued before pz.js has loaded, are the worker's lazily loaded
// readouts (exportData, explainLast, requests): nothing else (no slot, no event) comes before them.
window.pz = window.pz || [];
if (location.search.includes('first')) {
  window.__first = new Promise(function (resolve, reject) {
    pz.push(function (api) {
      Promise.all([api.exportData(), api.explainLast(), api.requests()]).then(resolve, reject);
    });
  });
}
