import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
// @ts-expect-error: plain ESM helper without types
import { CHROMIUM_ARGS } from './scripts/find-browser.mjs';

const PORT = Number(process.env.PZ_E2E_PORT ?? 4173);
// scripts/test.mjs finds (or installs) a browser and passes it here; without it, try Debian's.
const executablePath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') && !process.env.PZ_PLAYWRIGHT_OWN ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: /.*\.spec\.ts/,
  fullyParallel: false,
  workers: 2,
  // No retries: a flaky test is a bug to fix, not to hide.
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    trace: 'off',
  },
  webServer: {
    command: `node scripts/serve.mjs --tests --port ${PORT}`,
    url: `http://localhost:${PORT}/pz.js`,
    reuseExistingServer: !process.env.CI,
    stdout: 'ignore',
  },
});
