// The real worker behind a fault: the first two batch writes fail as a full disk would
// (QuotaExceededError), the rest go through. Static import: the worker is listening before any message.
import '/pz-worker.js';

let failures = 2;
const add = IDBObjectStore.prototype.add;
IDBObjectStore.prototype.add = function (...args) {
  if (this.name === 'batches' && failures > 0) {
    failures--;
    throw new DOMException('simulated full disk', 'QuotaExceededError');
  }
  return add.apply(this, args);
};
