/** Writes the demo server's static responses (see `server.ts`) into `<outDir>/api/`. Called by scripts/build.mjs. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Product } from './catalog';
import { buildApi } from './server';

/** Reads the catalogue file and writes every response; returns how many files were written. */
export function writeApi(catalogFile: string, outDir: string): number {
  const catalog = JSON.parse(readFileSync(catalogFile, 'utf8')) as Product[];
  const files = buildApi(catalog);
  for (const [path, body] of files) {
    const file = join(outDir, 'api', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(body));
  }
  return files.size;
}
