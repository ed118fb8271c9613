import { createServer, type Server } from 'node:http';
import { metricsAllowed } from '@tributary/contracts/exposure';
import type { Registry } from '@tributary/telemetry';

/** The jobs service's ops listener: /metrics (Prometheus) and /healthz (every job loop alive). */
export function startJobsOpsServer(opts: {
  host: string;
  port: number;
  registry: Registry;
  /** When set, /metrics needs it as a bearer token (the probe stays open: it says only up/down and why). */
  metricsToken?: string;
  health: () => { ok: boolean; body: Record<string, unknown> };
}): Promise<Server> {
  const server = createServer((req, res) => {
    const send = (status: number, body: Record<string, unknown>) => {
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.setHeader('cache-control', 'no-store');
      res.end(JSON.stringify(body));
    };
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.statusCode = 405;
        res.end();
      } else if (path === '/metrics' && !metricsAllowed(opts.metricsToken, req.headers.authorization)) {
        res.setHeader('www-authenticate', 'Bearer');
        send(401, { status: 'unauthorized', error: 'send the metrics token as a Bearer token' });
      } else if (path === '/metrics') {
        const text = await opts.registry.metrics();
        res.setHeader('content-type', opts.registry.contentType);
        res.end(text);
      } else if (path === '/healthz') {
        const h = opts.health();
        send(h.ok ? 200 : 503, h.body);
      } else {
        res.statusCode = 404;
        res.end();
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) send(500, { status: 'error', error: String(err) });
      else res.destroy();
    });
  });
  // Probes are short; a client that opens a connection and sends nothing must not hold it.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
