// Counts reranks per slot, so the test can tell a late rerank from none.
window.__reranks = { top: [], below: [] };
document.addEventListener('pz:reranked', (ev) => {
  window.__reranks[ev.target.id].push(ev.detail.result.fellBack || 'personal');
});
