// Layout-shift entries from the very start of the page.
window.__shifts = [];
try {
  new PerformanceObserver(function (list) {
    for (var e of list.getEntries()) window.__shifts.push(e.value);
  }).observe({ type: 'layout-shift', buffered: true });
} catch (e) {}
window.__reranked = [];
document.addEventListener('pz:reranked', function (ev) { window.__reranked.push(ev.detail.slot); });
