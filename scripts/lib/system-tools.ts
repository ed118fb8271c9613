import { spawnSync } from 'node:child_process';

/**
 * Tools the test suite needs from Debian (chromium for Playwright, docker-compose to validate
 * the compose file): installed with apt when missing and we are root; otherwise a clear line.
 */
export function ensureDebianTool(opts: { check: () => boolean; pkg: string; purpose: string }): boolean {
  if (opts.check()) return true;
  if (process.getuid?.() === 0 && works('apt-get', ['--version'])) {
    console.log(`Installing Debian's ${opts.pkg} (${opts.purpose})…`);
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', opts.pkg], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (opts.check()) return true;
  }
  console.error(
    `${opts.purpose}: '${opts.pkg}' is missing. Install it with 'sudo apt-get install -y ${opts.pkg}'.`,
  );
  return false;
}

export function works(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}
