// Records when the slot got its first rerank (ms since navigation start) and whether it was personal.
window.__shop = { firstRerank: null, fellBack: null };
document.addEventListener('pz:reranked', (ev) => {
  if (window.__shop.firstRerank !== null) return;
  window.__shop.firstRerank = performance.now();
  window.__shop.fellBack = ev.detail.result.fellBack;
});
