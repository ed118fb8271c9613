export const dynamic = 'force-dynamic';

/** Process is up and serving; says nothing about dependencies (that is /api/readyz). */
export function GET() {
  return Response.json({ status: 'ok' });
}
