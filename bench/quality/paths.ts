import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared data directory: $PZ_DATA_DIR, else `../shared/data` beside the repository. */
export function dataDir(): string {
  return process.env.PZ_DATA_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data');
}
