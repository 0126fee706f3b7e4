// The platform's floor for a rerank asked during an ingest: a worker that stores what the page tracks
// and answers round trips meanwhile, with no library code. `track`: one call's events as JSON lines
// (as the client sends them), each line parsed (a store must read what it keeps), the call's text
// written as one record in a strict-durability IndexedDB transaction, acknowledged once it commits.
// `floor`: the packed list in, a packed-result-shaped answer back (as echo-worker.js answers it).
// It says `ready` once its database is open, so the page's clock starts on a started worker.
const open = indexedDB.open('pz-browser-bench-ingest-floor', 1);
open.onupgradeneeded = () => open.result.createObjectStore('batches', { autoIncrement: true });
const db = new Promise((resolve, reject) => {
  open.onsuccess = () => resolve(open.result);
  open.onerror = () => reject(open.error);
});
db.then(() => self.postMessage({ ready: true }));
self.addEventListener('message', async (ev) => {
  const call = ev.data;
  if (call.m === 'floor') {
    const ids = call.a[0].ids;
    const numbers = new Float64Array(3 * ids.length);
    self.postMessage({ i: call.i, r: { ids, numbers, reasons: [], fellBack: false, tookMs: 0 } }, [numbers.buffer]);
    return;
  }
  if (call.m !== 'track') return;
  const text = call.a[0];
  let lastTs = 0;
  let n = 0;
  for (const line of text.split('\n')) {
    const e = JSON.parse(line);
    if (typeof e.ts === 'number' && e.ts > lastTs) lastTs = e.ts;
    n++;
  }
  const tx = (await db).transaction('batches', 'readwrite', { durability: 'strict' });
  tx.objectStore('batches').add({ lastTs, events: text });
  tx.oncomplete = () => self.postMessage({ i: call.i, r: { accepted: n } });
  tx.onerror = () => self.postMessage({ i: call.i, r: { accepted: 0 } });
});
