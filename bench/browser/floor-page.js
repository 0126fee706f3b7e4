// Starts the floor worker (the script tag's `data-worker`, else /bench/floor-worker.js) and records its first answer as the page's "first rerank" (see floor.html).
{
  const w = new Worker(document.currentScript?.dataset.worker ?? '/bench/floor-worker.js', { type: 'module' });
  w.onmessage = (ev) => {
    if (window.__shop.firstRerank !== null) return;
    window.__shop.firstRerank = performance.now();
    window.__shop.fellBack = ev.data.ok ? false : 'floor worker failed';
  };
}
