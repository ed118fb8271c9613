import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript source (main: src/index.ts), so Next compiles them.
  transpilePackages: [
    '@tributary/contracts',
    '@tributary/clickhouse',
    '@tributary/db',
    '@tributary/kafka',
    '@tributary/registry',
    '@tributary/schema-compat',
  ],
  // The HTTP client uses Node streams and keep-alive agents; leave it to Node at runtime.
  serverExternalPackages: ['@clickhouse/client', 'prom-client', '@platformatic/kafka', 'kafkajs'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
