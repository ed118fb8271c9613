import { createDb, type Db } from '@tributary/db';
import { env } from '../env.ts';

// Kept on globalThis so dev-mode hot reloads reuse the client (and its pg pool) instead of leaking it.
const holder = globalThis as unknown as { tributaryDb?: Db };

/** One Prisma client per server process, created on first use (never at import time). */
export function getDb(): Db {
  holder.tributaryDb ??= createDb(env.DATABASE_URL);
  return holder.tributaryDb;
}
