// What each source file costs in one built file, from the file's source map: its minified bytes, and its
// marginal gzip -9 bytes (the whole file's gzip size minus the gzip size of the file with that source's
// characters removed; gzip is not additive, so the marginals need not sum to the total). Characters no
// mapping covers (the bundle's wrapper, separators) are counted as "(bundler)", the closing
// `//# sourceMappingURL=` line as "(source map comment)".
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one line of a source map's `mappings` into [generatedColumn, sourceIndex | -1] pairs. */
function decodeLine(line, state) {
  const out = [];
  for (const seg of line.split(',')) {
    if (seg === '') continue;
    const values = [];
    let shift = 0;
    let value = 0;
    for (const ch of seg) {
      const digit = B64.indexOf(ch);
      value += (digit & 31) << shift;
      if (digit & 32) shift += 5;
      else {
        values.push(value & 1 ? -(value >>> 1) : value >>> 1);
        shift = 0;
        value = 0;
      }
    }
    state.col += values[0];
    if (values.length > 1) {
      state.source += values[1];
      out.push([state.col, state.source]);
    } else out.push([state.col, -1]);
  }
  return out;
}

const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

/**
 * Per-source minified and marginal gzip bytes of `file` (with `file.map` beside it), largest first.
 * @example sourceBytes('dist/pz.js')[0]; // { source: 'src/client/deferred.ts', bytes: 2100, gzipMarginal: 800 }
 */
export function sourceBytes(file) {
  const text = readFileSync(file, 'utf8');
  const comment = /\n\/\/# sourceMappingURL=.*\n?$/.exec(text);
  const code = comment ? text.slice(0, comment.index) : text;
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  const owner = new Int32Array(code.length).fill(-1);
  const lines = code.split('\n');
  const mappingLines = map.mappings.split(';');
  const state = { source: 0, col: 0 };
  let offset = 0;
  for (let l = 0; l < lines.length; l++) {
    state.col = 0;
    const segs = decodeLine(mappingLines[l] ?? '', state);
    for (let s = 0; s < segs.length; s++) {
      const end = s + 1 < segs.length ? segs[s + 1][0] : lines[l].length;
      for (let c = segs[s][0]; c < end; c++) owner[offset + c] = segs[s][1];
    }
    offset += lines[l].length + 1;
  }
  const names = [...map.sources.map((s) => s.replace(/^(\.\.\/)+/, '')), '(bundler)'];
  const bundler = names.length - 1;
  const tail = comment ? comment[0] : '';
  const total = gz(text);
  const rows = names.map((source, i) => {
    let kept = '';
    let bytes = 0;
    for (let c = 0; c < code.length; c++) {
      const o = owner[c] === -1 ? bundler : owner[c];
      if (o === i) bytes++;
      else kept += code[c];
    }
    return { source, bytes, gzipMarginal: total - gz(kept + tail) };
  });
  if (tail) rows.push({ source: '(source map comment)', bytes: tail.length, gzipMarginal: total - gz(code) });
  return { total, bytes: text.length, rows: rows.filter((r) => r.bytes > 0).sort((a, b) => b.gzipMarginal - a.gzipMarginal) };
}
