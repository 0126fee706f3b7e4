// Calls a site makes before pz.js has loaded: they must be replayed in order.
window.pz = window.pz || [];
window.__order = [];
pz.push(['track', { id: 'queued-1', type: 'view', item: { id: 'q1', category: 'home/kitchen' } }]);
pz.push(function () { window.__order.push('fn-after-first'); });
pz.push(['track', { id: 'queued-2', type: 'view', item: { id: 'q2', category: 'home/kitchen' } }]);
pz.push(function (api) { window.__order.push('fn-after-second:' + typeof api.rerank); });
