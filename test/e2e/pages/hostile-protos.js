// A page with old libraries: Prototype.js's toJSON methods, a broken Array.prototype.includes, and
// commands queued before pz.js loads.
Array.prototype.toJSON = function () { return JSON.stringify(Array.prototype.slice.call(this)); };
String.prototype.toJSON = function () { return '"' + this + '"'; };
Array.prototype.includes = function () { throw new Error('broken includes'); };
window.pz = window.pz || [];
window.pz.push(['track', { id: 'queued-1', type: 'click', item: { id: 'q1', category: 'a/b' } }]);
window.pz.push(['track', { id: 'queued-2', type: 'favorite', item: { id: 'q2', category: 'a/b' } }]);
