import { webMetrics } from '../../../server/metrics.ts';

export const dynamic = 'force-dynamic';

/** Prometheus scrape endpoint of the console. */
export async function GET() {
  const { registry } = webMetrics();
  return new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
}
