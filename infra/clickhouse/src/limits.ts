// The bounds the embedded server holds to, whatever its clients send. Defaults are sized from
// the machine so that one client can never take the whole box (see
// docs/decisions/embedded-clickhouse.md, "Limits").
import { totalmem } from 'node:os';

export interface ServerLimits {
  /** The engine's server-wide memory limit (max_server_memory_usage). */
  maxServerMemoryBytes: number;
  /** Default and ceiling of a query's max_memory_usage. */
  maxQueryMemoryBytes: number;
  /** Decompressed bytes of any request body (a streamed insert included). */
  maxBodyBytes: number;
  /** Decompressed bytes of a body that has to be held in memory (query text, buffered inserts). */
  maxBufferedBodyBytes: number;
  /** A request body that sends nothing for this long is cut (ClickHouse's http_receive_timeout). */
  receiveTimeoutMs: number;
  /** A client that reads nothing of its result for this long is dropped (http_send_timeout). */
  sendTimeoutMs: number;
  /** Request headers must arrive within this time (slow-header clients). */
  headersTimeoutMs: number;
  /** Idle keep-alive connections are closed after this (ClickHouse's keep_alive_timeout). */
  keepAliveTimeoutMs: number;
  /** Reads (selects, commands) running in the engine at once. */
  maxConcurrentReads: number;
  /** Inserts running in the engine at once; separate, so readers never starve the pipeline. */
  maxConcurrentInserts: number;
  /** How long a request may wait for a slot before TOO_MANY_SIMULTANEOUS_QUERIES. */
  queueTimeoutMs: number;
  /** Named sessions (session_id) alive at once. */
  maxSessions: number;
  /** session_timeout default and ceiling, seconds (ClickHouse: 60 and 3600). */
  defaultSessionTimeoutSeconds: number;
  maxSessionTimeoutSeconds: number;
  /** How often the allocator hands freed pages back to the OS (SYSTEM JEMALLOC PURGE); 0 never. */
  memoryPurgeIntervalMs: number;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

export function defaultLimits(totalMemoryBytes = totalmem()): ServerLimits {
  // NOTE: 40 % of RAM leaves the rest to Kafka, the apps, the console and the OS on one machine;
  // one query gets at most a quarter of that, so several large queries still fit beside inserts.
  const maxServerMemoryBytes = Math.floor(totalMemoryBytes * 0.4);
  return {
    maxServerMemoryBytes,
    maxQueryMemoryBytes: Math.min(4 * GiB, Math.floor(maxServerMemoryBytes / 4)),
    maxBodyBytes: 8 * GiB,
    maxBufferedBodyBytes: 256 * MiB,
    receiveTimeoutMs: 30_000,
    sendTimeoutMs: 30_000,
    headersTimeoutMs: 15_000,
    keepAliveTimeoutMs: 10_000,
    maxConcurrentReads: 16,
    maxConcurrentInserts: 8,
    queueTimeoutMs: 10_000,
    maxSessions: 256,
    defaultSessionTimeoutSeconds: 60,
    maxSessionTimeoutSeconds: 3600,
    memoryPurgeIntervalMs: 10_000,
  };
}

/** Environment variables that override a default, e.g. TRIBUTARY_CH_MAX_SERVER_MEMORY=8GiB. */
const ENV_KEYS: Record<keyof ServerLimits, string> = {
  maxServerMemoryBytes: 'TRIBUTARY_CH_MAX_SERVER_MEMORY',
  maxQueryMemoryBytes: 'TRIBUTARY_CH_MAX_QUERY_MEMORY',
  maxBodyBytes: 'TRIBUTARY_CH_MAX_BODY',
  maxBufferedBodyBytes: 'TRIBUTARY_CH_MAX_BUFFERED_BODY',
  receiveTimeoutMs: 'TRIBUTARY_CH_RECEIVE_TIMEOUT_MS',
  sendTimeoutMs: 'TRIBUTARY_CH_SEND_TIMEOUT_MS',
  headersTimeoutMs: 'TRIBUTARY_CH_HEADERS_TIMEOUT_MS',
  keepAliveTimeoutMs: 'TRIBUTARY_CH_KEEP_ALIVE_TIMEOUT_MS',
  maxConcurrentReads: 'TRIBUTARY_CH_MAX_CONCURRENT_READS',
  maxConcurrentInserts: 'TRIBUTARY_CH_MAX_CONCURRENT_INSERTS',
  queueTimeoutMs: 'TRIBUTARY_CH_QUEUE_TIMEOUT_MS',
  maxSessions: 'TRIBUTARY_CH_MAX_SESSIONS',
  defaultSessionTimeoutSeconds: 'TRIBUTARY_CH_SESSION_TIMEOUT_SECONDS',
  maxSessionTimeoutSeconds: 'TRIBUTARY_CH_MAX_SESSION_TIMEOUT_SECONDS',
  memoryPurgeIntervalMs: 'TRIBUTARY_CH_MEMORY_PURGE_INTERVAL_MS',
};

const SIZE_RE = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i;
const UNIT: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: MiB,
  gb: 1e9,
  gib: GiB,
  tb: 1e12,
  tib: 1024 * GiB,
};

/** `1073741824`, `512MiB`, `8 GB`; a ratio of RAM such as `0.3` only for server memory. */
export function parseSize(text: string): number | undefined {
  const m = SIZE_RE.exec(text);
  if (!m?.[1]) return undefined;
  const value = Number(m[1]) * (UNIT[(m[2] ?? 'b').toLowerCase()] ?? 1);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
}

export class LimitsError extends Error {}

/** Defaults, then the environment, then explicit overrides; a bad value fails fast. */
export function resolveLimits(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<ServerLimits> = {},
  totalMemoryBytes = totalmem(),
): ServerLimits {
  const limits = defaultLimits(totalMemoryBytes);
  const fromEnv: Partial<ServerLimits> = {};
  for (const [key, name] of Object.entries(ENV_KEYS) as [keyof ServerLimits, string][]) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    let value: number | undefined;
    if (key === 'maxServerMemoryBytes' && /^\s*0?\.\d+\s*$/.test(raw)) {
      value = Math.floor(Number(raw) * totalMemoryBytes);
    } else {
      value = parseSize(raw);
    }
    if (value === undefined) throw new LimitsError(`${name}: '${raw}' is not a positive size or number`);
    fromEnv[key] = value;
  }
  const merged = { ...limits, ...fromEnv, ...overrides };
  // A lowered server limit lowers the per-query default with it unless that was set too.
  if (
    (fromEnv.maxServerMemoryBytes ?? overrides.maxServerMemoryBytes) !== undefined &&
    fromEnv.maxQueryMemoryBytes === undefined &&
    overrides.maxQueryMemoryBytes === undefined
  ) {
    merged.maxQueryMemoryBytes = Math.min(4 * GiB, Math.floor(merged.maxServerMemoryBytes / 4));
  }
  if (merged.maxBufferedBodyBytes > merged.maxBodyBytes) merged.maxBufferedBodyBytes = merged.maxBodyBytes;
  return merged;
}
