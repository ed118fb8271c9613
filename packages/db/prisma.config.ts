// Read by the prisma CLI only (generate; migrate where its schema engine can be had).
// Prisma 7 takes the connection URL from here instead of schema.prisma.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/tributary',
  },
});
