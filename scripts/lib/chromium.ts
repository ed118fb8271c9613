/**
 * How Tributary drives a browser (Playwright's e2e tests, the render bench): Debian's chromium,
 * never a downloaded one, headless and kept off the network it cannot reach anyway.
 */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};
