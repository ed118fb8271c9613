import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/**
 * A tiny HTTP server for services without their own (workers): /metrics for Prometheus and
 * /healthz answered by the caller's health function (503 when unhealthy).
 */
export function startOpsServer(opts: {
  host: string;
  port: number;
  registry: Registry;
  health: () => { ok: boolean; details: Record<string, unknown> };
}): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/metrics') {
        res.setHeader('content-type', opts.registry.contentType);
        res.end(await opts.registry.metrics());
        return;
      }
      if (req.url === '/healthz' || req.url === '/readyz') {
        const h = opts.health();
        res.statusCode = h.ok ? 200 : 503;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: h.ok ? 'ok' : 'unhealthy', ...h.details }));
        return;
      }
      res.statusCode = 404;
      res.end();
    })().catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}
