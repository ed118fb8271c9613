// Installs dependencies when they are missing or older than the lockfile, and generates the
// Prisma client, so `npm start` and `npm test` work from a fresh clone. Plain JS: it runs
// before tsx exists.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules/.package-lock.json');
const lock = join(root, 'package-lock.json');
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
execSync('npm run generate -w @tributary/db --silent', { cwd: root, stdio: 'inherit' });
