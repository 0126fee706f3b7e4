import { defineConfig } from 'vitest/config';

/**
 * Shared vite/vitest configuration. The three production bundles (script-tag loader `pz.js`,
 * module worker `pz-worker.js`, npm library) are built by `scripts/build.mjs`, which reuses
 * this file and overrides the entry per target; vitest reads the `test` block.
 */
export default defineConfig({
  publicDir: 'public',
  build: { target: 'es2022', sourcemap: true },
  worker: { format: 'es' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'threads',
  },
});
