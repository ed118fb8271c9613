import { metricsAllowed } from '@tributary/contracts/exposure';
import { env } from '../../../env.ts';
import { webMetrics } from '../../../server/metrics.ts';

export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint of the console; behind METRICS_TOKEN when one is set. */
export async function GET(req: Request) {
  if (!metricsAllowed(env.METRICS_TOKEN, req.headers.get('authorization'))) {
    return new Response('send the metrics token as a Bearer token\n', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer' },
    });
  }
  const { registry } = webMetrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
