import { describe, expect, it } from 'vitest';
import { DEFAULT_DATABASE_URL, databaseUrlFromEnv, withDatabase } from './env.ts';

describe('databaseUrlFromEnv', () => {
  it('defaults to the local tributary database', () => {
    expect(databaseUrlFromEnv({})).toBe(DEFAULT_DATABASE_URL);
  });

  it('rejects a URL of another scheme or without a database', () => {
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'mysql://x/y' })).toThrow(/postgres:\/\//);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'postgres://host:5432/' })).toThrow(/name a database/);
    expect(() => databaseUrlFromEnv({ DATABASE_URL: 'not a url' })).toThrow(/not a URL/);
  });

  it('swaps only the database name', () => {
    expect(withDatabase('postgres://u:p@h:5433/a?sslmode=disable', 'postgres')).toBe(
      'postgres://u:p@h:5433/postgres?sslmode=disable',
    );
  });
});
