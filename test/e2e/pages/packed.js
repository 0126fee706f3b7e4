// Records the worker method of every comlink call the page posts (`path`), so the spec can tell a
// packed rerank (`rerankPacked`) from one sent as objects (`rerank`); with `__pzSpoilPacked` set, a
// packed list is replaced by one the worker cannot read.
window.__pzCalls = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && Array.isArray(message.path)) window.__pzCalls.push(message.path.join('.'));
  // A packed list the worker cannot read, when the spec asks for one.
  if (window.__pzSpoilPacked && message?.path?.join('.') === 'rerankPacked') message.argumentList[0] = { type: 'RAW', value: { ids: 'spoilt' } };
  return post.call(this, message, ...rest);
};
