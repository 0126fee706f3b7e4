// Finds a Chromium for Playwright: Playwright's own when installed, else Debian's /usr/bin/chromium
// (or $CHROMIUM_PATH), else installs Debian's package when running as root with apt, else explains.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Flags that keep Chromium quiet on a closed network and runnable as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

async function playwrightOwn() {
  try {
    const { chromium } = await import('@playwright/test');
    const p = chromium.executablePath();
    return p && existsSync(p) ? p : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Returns `{ executablePath }` (undefined = Playwright's own browser) or throws with what to install.
 * @param {{ install?: boolean }} [opts]
 */
export async function findBrowser(opts = {}) {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return { executablePath: process.env.CHROMIUM_PATH };
  if (await playwrightOwn()) return { executablePath: undefined };
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return { executablePath: p };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (opts.install && isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('No Chromium found: installing Debian\'s chromium package (apt-get) …');
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
    if (existsSync('/usr/bin/chromium')) return { executablePath: '/usr/bin/chromium' };
  }
  throw new Error(
    'No Chromium for the end-to-end tests. Install one of: `npx playwright install chromium` (a laptop with internet), ' +
      '`sudo apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium binary.',
  );
}
