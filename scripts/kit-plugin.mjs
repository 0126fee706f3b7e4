// The script-tag build of the client file uses the functions pz.js already holds (src/client/kit.ts):
// every import of one of them in the client file is bound to the loader's copy, which
// `startFromScript` receives and `useKit` binds, in kit.ts's order, before anything else runs.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const KIT_ID = '\0pz-kit';
const WRAP = '\0pz-kit-wrap:';

/** The kit's functions in order and the source file of each, read from kit.ts itself. */
export function readKit(kitFile) {
  const src = readFileSync(kitFile, 'utf8');
  const fileOf = new Map();
  for (const m of src.matchAll(/^import \{([^}]+)\} from '([^']+)';$/gm)) {
    for (const name of m[1].split(',').map((s) => s.trim()).filter(Boolean)) fileOf.set(name, `${resolve(dirname(kitFile), m[2])}.ts`);
  }
  const list = /export const kit = \(\) => \[([^\]]+)\] as const;/.exec(src);
  if (!list) throw new Error(`${kitFile}: no "export const kit = () => [...] as const;" list`);
  const order = list[1].split(',').map((s) => s.trim()).filter(Boolean);
  const names = new Map();
  for (const name of order) {
    const file = fileOf.get(name);
    if (!file) throw new Error(`${kitFile}: ${name} is in the kit but not imported by name`);
    names.set(file, [...(names.get(file) ?? []), name]);
  }
  return { order, names };
}

/** A Vite plugin for the client file's build: the kit's functions come from the loader. */
export function kitPlugin(kitFile) {
  const { order, names } = readKit(kitFile);
  return {
    name: 'pz-kit',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source === KIT_ID) return KIT_ID;
      if (importer?.startsWith(WRAP)) return null; // the wrapper's own import of the file it wraps
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved) return null;
      if (resolved.id === kitFile) return KIT_ID;
      if (names.has(resolved.id)) return WRAP + resolved.id;
      return null;
    },
    load(id) {
      if (id === KIT_ID) return `export let ${order.join(', ')};\nexport function useKit(k) {\n  [${order.join(', ')}] = k;\n}\n`;
      if (id.startsWith(WRAP)) {
        const file = id.slice(WRAP.length);
        // A module's own names shadow those of `export *`: the kit's come from the loader, the rest from the file.
        return `export * from ${JSON.stringify(file)};\nexport { ${names.get(file).join(', ')} } from ${JSON.stringify(KIT_ID)};\n`;
      }
      return null;
    },
  };
}
