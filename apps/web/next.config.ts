import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript source (main: src/index.ts), so Next compiles them.
  transpilePackages: [
    '@tributary/analytics',
    '@tributary/contracts',
    '@tributary/clickhouse',
    '@tributary/control',
    '@tributary/db',
    '@tributary/kafka',
    '@tributary/lineage',
    '@tributary/pipeline',
    '@tributary/processors',
    '@tributary/registry',
    '@tributary/schema-compat',
  ],
  // The HTTP client uses Node streams and keep-alive agents; leave it to Node at runtime.
  serverExternalPackages: [
    '@clickhouse/client',
    'prom-client',
    '@platformatic/kafka',
    'kafkajs',
    // Native argon2 binding and the Redis client of the sign-in throttle.
    '@node-rs/argon2',
    'ioredis',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
  // Pages get their nonce-based Content-Security-Policy from src/proxy.ts; these hold for every
  // response (API and assets too), and X-Frame-Options covers browsers without frame-ancestors.
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

export default config;
