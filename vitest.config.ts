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
          // Two cores and real brokers: files run one after another, each with generous hooks.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: 'forks',
        },
      },
    ],
  },
});
