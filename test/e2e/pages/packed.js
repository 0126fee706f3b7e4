// Records the worker method of every comlink call the page posts (`path`), so the spec can tell a
// packed rerank (`rerankPacked`) from one sent as objects (`rerank`).
window.__pzCalls = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && Array.isArray(message.path)) window.__pzCalls.push(message.path.join('.'));
  return post.call(this, message, ...rest);
};
