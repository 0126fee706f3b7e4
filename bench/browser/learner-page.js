// Bench probe (classic script, runs right after /pz.js): records when the worker is ready and asks for
// the first rerank at once, as a storefront would on load. bench/learner-browser.ts reads window.__pzBench.
(() => {
  const b = {
    readyAt: null,
    firstCallAt: null,
    firstAnswerAt: null,
    firstAnswerEpoch: null,
    first: null,
    learningAfterFirst: null,
    timeOrigin: performance.timeOrigin,
    error: null,
    done: false,
  };
  window.__pzBench = b;
  const pz = window.pz;
  if (!pz || typeof pz.rerank !== 'function') {
    b.error = 'window.pz is not the loaded API';
    b.done = true;
    return;
  }
  pz.on('ready', () => {
    if (b.readyAt === null) b.readyAt = performance.now();
  });
  b.firstCallAt = performance.now();
  pz.rerank(window.__pzBenchCandidates, { slot: 'bench' })
    .then((r) => {
      b.firstAnswerAt = performance.now();
      b.firstAnswerEpoch = performance.timeOrigin + b.firstAnswerAt;
      b.first = { fellBack: r.fellBack, tookMs: r.tookMs, items: r.items.length };
      return pz.profile();
    })
    .then(
      (view) => {
        b.learningAfterFirst = view?.model ? view.model.learning : null;
        b.done = true;
      },
      (err) => {
        b.error = String(err);
        b.done = true;
      },
    );
})();
