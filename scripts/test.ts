import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDebianTool, works } from './lib/system-tools.ts';

// npm test: unit tests, integration tests against the real services, and Playwright e2e
// against a private running stack — then one summary.
const root = resolve(import.meta.dirname, '..');
const outDir = join(root, '.tributary', 'test-reports');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  exitCode: number;
  seconds: number;
}
const results: SuiteResult[] = [];

function run(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  count: () => Omit<SuiteResult, 'name' | 'exitCode' | 'seconds'>,
) {
  console.log(`\n━━ ${name} ━━`);
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    counts = count();
  } catch {
    // no report: the runner failed before running tests; the exit code tells.
  }
  const exitCode = r.status ?? 1;
  if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
  results.push({ name, ...counts, exitCode, seconds: (Date.now() - t0) / 1000 });
}

function vitestCounts(file: string) {
  return () => {
    const j = JSON.parse(readFileSync(file, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    return {
      passed: j.numPassedTests,
      failed: j.numFailedTests,
      skipped: j.numPendingTests + j.numTodoTests,
    };
  };
}

// The compose file is validated by `docker compose config`; Debian's docker-compose stands in
// where the docker client has no compose plugin. Its test fails clearly if neither exists.
ensureDebianTool({
  check: () => works('docker', ['compose', 'version']) || works('docker-compose', ['version']),
  pkg: 'docker-compose',
  purpose: 'validating docker-compose.yml',
});

// The console is built once here, for every stack the integration and e2e suites start (each
// would otherwise run its own next build). A failed build is a failed suite; the stacks then
// try building themselves and report the same failure where it matters.
console.log('\n━━ console build ━━');
const buildStarted = Date.now();
const build = spawnSync(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], {
  cwd: join(root, 'apps/web'),
  stdio: 'inherit',
  env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
});
const webBuilt = build.status === 0;
if (!webBuilt) {
  results.push({
    name: 'build',
    passed: 0,
    failed: 1,
    skipped: 0,
    exitCode: build.status ?? 1,
    seconds: (Date.now() - buildStarted) / 1000,
  });
}
const builtEnv: Record<string, string> = webBuilt ? { TRIBUTARY_WEB_BUILT: '1' } : {};

const vitest = join(root, 'node_modules/vitest/vitest.mjs');
for (const project of ['unit', 'integration']) {
  const file = join(outDir, `${project}.json`);
  run(
    project,
    process.execPath,
    [
      vitest,
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${file}`,
    ],
    project === 'integration' ? builtEnv : {},
    vitestCounts(file),
  );
}

const chromium = ensureChromium();
if (chromium) {
  const file = join(outDir, 'e2e.json');
  run(
    'e2e',
    process.execPath,
    [join(root, 'node_modules/@playwright/test/cli.js'), 'test', '-c', 'e2e/playwright.config.ts'],
    { PLAYWRIGHT_JSON_OUTPUT: file, CHROMIUM_PATH: chromium, ...builtEnv },
    () => {
      const j = JSON.parse(readFileSync(file, 'utf8')) as {
        stats: { expected: number; unexpected: number; flaky: number; skipped: number };
      };
      return {
        passed: j.stats.expected + j.stats.flaky,
        failed: j.stats.unexpected,
        skipped: j.stats.skipped,
      };
    },
  );
} else {
  results.push({ name: 'e2e', passed: 0, failed: 1, skipped: 0, exitCode: 1, seconds: 0 });
}

console.log('\n━━ Summary ━━');
for (const r of results) {
  console.log(
    `${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed ${String(r.skipped).padStart(3)} skipped   ${r.seconds.toFixed(0)} s`,
  );
}
const total = results.reduce(
  (a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
  {
    passed: 0,
    failed: 0,
    skipped: 0,
  },
);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(results.every((r) => r.exitCode === 0) && total.failed === 0 ? 0 : 1);

/** Debian's chromium for Playwright (never a downloaded browser). */
function ensureChromium(): string | null {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return ensureDebianTool({ check: () => existsSync(path), pkg: 'chromium', purpose: 'Playwright e2e tests' })
    ? path
    : null;
}
