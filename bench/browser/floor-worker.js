// The platform's floor for a worker-based personalizer: open IndexedDB, read one record the size of a
// shopper's profile snapshot (written on the first visit) and answer. No library code at all.
const open = indexedDB.open('pz-browser-bench-floor', 1);
open.onupgradeneeded = () => open.result.createObjectStore('kv');
open.onerror = () => postMessage({ ok: false });
open.onsuccess = () => {
  const db = open.result;
  const tx = db.transaction('kv', 'readwrite');
  const store = tx.objectStore('kv');
  const get = store.get('profile');
  get.onsuccess = () => {
    if (get.result === undefined) store.put({ counts: Array.from({ length: 2000 }, (_, i) => [`key-${i}`, i]) }, 'profile');
    tx.oncomplete = () => postMessage({ ok: true });
  };
  tx.onerror = () => postMessage({ ok: false });
};
