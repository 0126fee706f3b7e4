// Records layout shifts from the very start of the page (external file: the CSP forbids inline scripts).
window.__shifts = [];
try {
  new PerformanceObserver(function (list) {
    for (const e of list.getEntries()) window.__shifts.push({ value: e.value, sources: (e.sources || []).map(function (s) { return s.node ? s.node.nodeName : '?'; }) });
  }).observe({ type: 'layout-shift', buffered: true });
} catch (err) {
  window.__shifts = ['unsupported'];
}
window.__selected = [];
document.addEventListener('pz:select', function (e) { window.__selected.push(e.detail.item.id); });
// The widget's progress, in order (loading → shown → ready when the rerank is slower than `wait`).
window.__states = [];
new MutationObserver(function (records) {
  for (const r of records) if (r.target.id === 'recs') window.__states.push(r.target.getAttribute('data-pz-state'));
}).observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['data-pz-state'] });
