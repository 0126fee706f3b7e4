// A hostile page: enumerable handlers and attributes on Object.prototype, set before pz.js runs.
window.__pzRan = 0;
for (const name of ['onclick', 'onmouseover', 'onfocus', 'onerror', 'onload', 'onanimationstart']) {
  Object.prototype[name] = 'window.__pzRan++';
}
Object.prototype['data-polluted'] = 'yes';
