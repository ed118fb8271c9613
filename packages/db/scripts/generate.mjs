// `npm run generate -w @tributary/db`: (re)generates the Prisma client into src/generated when
// schema.prisma, prisma.config.ts or the prisma version changed; otherwise exits at once.
// NOTE: runs on every `npm start`/`npm test`, so the up-to-date path must stay cheap.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(pkgDir, 'package.json'));
const prismaPkgPath = require.resolve('prisma/package.json');
const prismaVersion = JSON.parse(readFileSync(prismaPkgPath, 'utf8')).version;
const outDir = join(pkgDir, 'src', 'generated');
const stampPath = join(outDir, '.schema-hash');

const hash = createHash('sha256')
  .update(readFileSync(join(pkgDir, 'prisma', 'schema.prisma')))
  .update(readFileSync(join(pkgDir, 'prisma.config.ts')))
  .update(prismaVersion)
  .digest('hex');

if (
  existsSync(join(outDir, 'client.ts')) &&
  existsSync(stampPath) &&
  readFileSync(stampPath, 'utf8').trim() === hash
) {
  process.exit(0);
}

const cli = join(dirname(prismaPkgPath), 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], {
  cwd: pkgDir,
  stdio: 'inherit',
  env: {
    ...process.env,
    // CRITICAL: the CLI would otherwise try to download its schema engine, which `generate`
    // does not use; any existing file satisfies the check (node itself is always there).
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
if (result.status !== 0) {
  console.error(`db: prisma generate failed (exit ${result.status ?? result.signal})`);
  process.exit(result.status ?? 1);
}
writeFileSync(stampPath, `${hash}\n`);
