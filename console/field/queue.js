// A durable queue on the phone (IndexedDB): what the person made offline, kept until the hub has it.
// One object store per queue, keyed by `id`; report.js keeps reports in one, cases.js case steps in another.
"use strict";
window.fieldQueue = function (dbName, storeName) {
  let dbp = null;
  function db() {
    if (!dbp) {
      dbp = new Promise((resolve, reject) => {
        const req = indexedDB.open(dbName, 1);
        req.onupgradeneeded = () => req.result.createObjectStore(storeName, { keyPath: "id" });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return dbp;
  }
  async function store(mode, fn) {
    const d = await db();
    return new Promise((resolve, reject) => {
      const tx = d.transaction(storeName, mode);
      const r = fn(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(r && r.result);
      tx.onerror = () => reject(tx.error);
    });
  }
  return {
    all: () => store("readonly", (s) => s.getAll()),
    put: (item) => store("readwrite", (s) => s.put(item)),
    remove: (id) => store("readwrite", (s) => s.delete(id)),
  };
};
