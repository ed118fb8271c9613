/**
 * Which dependency a bare socket error came from, by the address it names. A connection refused
 * by 127.0.0.1:8123 is ClickHouse in this deployment, 127.0.0.1:9092 is Kafka.
 */

export type Dependency = 'clickhouse' | 'postgres' | 'kafka';

export interface Endpoint {
  dependency: Dependency;
  host: string;
  port: number;
}

/** Endpoints from the console's configuration (URLs and a comma-separated broker list). */
export function endpointsFrom(config: {
  clickhouseUrl: string;
  databaseUrl: string;
  kafkaBrokers: string;
}): Endpoint[] {
  const out: Endpoint[] = [];
  const fromUrl = (dependency: Dependency, raw: string, defaultPort: number) => {
    try {
      const u = new URL(raw);
      out.push({ dependency, host: unbracket(u.hostname), port: Number(u.port || defaultPort) });
    } catch {
      // An unparsable URL fails elsewhere, loudly; here it only names nothing.
    }
  };
  fromUrl('clickhouse', config.clickhouseUrl, 8123);
  fromUrl('postgres', config.databaseUrl, 5432);
  for (const broker of config.kafkaBrokers.split(',')) {
    const b = broker.trim();
    if (b) fromUrl('kafka', `kafka://${b}`, 9092);
  }
  return out;
}

/** The dependency whose endpoint a Node/undici socket error names, if any. */
export function dependencyOf(err: Error, endpoints: readonly Endpoint[]): Dependency | null {
  const { address, port, socket } = err as {
    address?: unknown;
    port?: unknown;
    // undici's SocketError describes the connection it lost.
    socket?: { remoteAddress?: unknown; remotePort?: unknown } | null;
  };
  let host = typeof address === 'string' ? address : null;
  let p = typeof port === 'number' ? port : null;
  if (p === null && typeof socket?.remotePort === 'number') {
    p = socket.remotePort;
    host = typeof socket.remoteAddress === 'string' ? socket.remoteAddress : null;
  }
  if (p === null) {
    // Some errors name the peer only in their text: 'connect ECONNREFUSED 127.0.0.1:8123'.
    const m = /(\[[0-9a-f:]+\]|[\w.-]+):(\d{1,5})\b/i.exec(err.message);
    if (m?.[1] && m[2]) {
      host = unbracket(m[1]);
      p = Number(m[2]);
    }
  }
  if (p === null) return null;
  return endpoints.find((e) => e.port === p && (host === null || sameHost(e.host, host)))?.dependency ?? null;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0']);

function sameHost(configured: string, seen: string): boolean {
  if (configured === seen) return true;
  if (LOOPBACK.has(configured) && LOOPBACK.has(seen)) return true;
  // A configured name resolves to the address in the error; the port then decides.
  return !/^[\d.:]+$/.test(configured);
}

function unbracket(host: string): string {
  return host.replace(/^\[|\]$/g, '');
}
