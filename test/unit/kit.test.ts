import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readKit } from '../../scripts/kit-plugin.mjs';
import { kit } from '../../src/client/kit';

const kitFile = fileURLToPath(new URL('../../src/client/kit.ts', import.meta.url));

describe("the loader's shared functions (kit)", () => {
  it('the client build binds the names in the order pz.js hands the functions over', () => {
    expect(readKit(kitFile).order).toEqual(kit().map((f) => f.name));
  });

  it('a name in the list that kit.ts does not import by name stops the build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pz-kit-'));
    const file = join(dir, 'kit.ts');
    writeFileSync(file, "import { a } from './a';\nexport const kit = () => [a, b] as const;\n");
    expect(() => readKit(file)).toThrow(/b is in the kit but not imported by name/);
  });
});
