// The only place this package reads process.env.
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/tributary';

export function databaseUrlFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  const raw = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  return parseDatabaseUrl(raw).toString();
}

export function parseDatabaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`DATABASE_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got ${url.protocol}//`);
  }
  if (databaseName(url) === '') {
    throw new Error(`DATABASE_URL must name a database, e.g. postgres://user@host:5432/tributary`);
  }
  return url;
}

export function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

/** Same server and credentials, another database (e.g. `postgres` for CREATE DATABASE). */
export function withDatabase(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
