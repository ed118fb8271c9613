import { defineConfig } from 'vitest/config';

// The file name chooses the suite: *.test.ts is pure logic, *.int.test.ts needs the real
// services (started once per run by the integration global setup).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{apps,packages,infra,scripts,bench}/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/node_modules/**', '**/.next/**'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{apps,packages,infra,scripts,e2e}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/.next/**'],
          globalSetup: ['scripts/test-infra/global-setup.ts'],
          // Two files at a time: most of a file's time is waiting (for a broker, an outage, a
          // pending period), so two share the cores well — 897 s against 2,249 s one after
          // another, same machine, same load (docs/decisions/integration-parallel.md). Each file
          // has its own isolated slice or private stack; hooks are generous.
          fileParallelism: true,
          maxWorkers: 2,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
