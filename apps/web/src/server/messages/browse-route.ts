import { TributaryError } from '@tributary/contracts';
import { loadPiiPaths } from '@tributary/dlq';
import { createOffsetReader, kafkaSaslFromEnv, type OffsetReader } from '@tributary/kafka';
import { env } from '../../env.ts';
import { readJson } from '../api/body.ts';
import { errorResponse } from '../api/responses.ts';
import { can, type Actor } from '../auth/actor.ts';
import { resolveActor } from '../auth/resolve-actor.ts';
import { getDb } from '../db.ts';
import { BROWSE_LIMITS, browseRequestSchema } from './browse-input.ts';
import { compileEventFilter } from './event-filter.ts';
import { BrowseInputError, scanMessages, type ScanLimits } from './scan.ts';
import { browserMetrics, recordScanEnd } from './scan-metrics.ts';
import { takeScanSlot } from './scan-slots.ts';
import { topicKindOf } from './topic-kind.ts';

export interface BrowseRouteOptions {
  /** Tests and the bench: tighter limits than BROWSE_LIMITS (never looser). */
  limits?: Partial<ScanLimits>;
}

/** Key of an actor's scan slots. */
export function actorKey(actor: Actor): string {
  return actor.kind === 'user' ? `user:${actor.userId}` : `key:${actor.keyId}`;
}

/**
 * POST /api/messages/browse: a JSON BrowseRequest in, NDJSON frames out (frames.ts), streamed
 * as the scan finds them. Needs `read` (a session or an API key). Refusals that can be known
 * up front — no actor, no permission, a bad request or filter, an unknown topic or partition,
 * too many scans running — are plain JSON errors with their status, before any streaming.
 * NOTE: the scan stops, and its Kafka client closes, when the request is aborted or the
 * response body cancelled (the Stop button, a closed tab) — not only at its limits.
 */
export async function browseMessagesRoute(req: Request, opts: BrowseRouteOptions = {}): Promise<Response> {
  let release: (() => void) | null = null;
  let reader: OffsetReader | null = null;
  const cleanup = async () => {
    const r = reader;
    reader = null;
    if (r) {
      await r.close().catch(() => {});
      browserMetrics().running.dec();
    }
    release?.();
    release = null;
  };
  try {
    const db = getDb();
    const actor = await resolveActor(db, req.headers);
    if (!actor) throw new TributaryError('unauthorized', 'Sign in or send an API key');
    if (!can(actor, 'read'))
      throw new TributaryError('forbidden', 'browsing messages needs the read permission');
    const parsed = browseRequestSchema.safeParse(await readJson(req, 16 * 1024));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TributaryError(
        'bad_request',
        `${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const request = parsed.data;
    const compiled = compileEventFilter(request.filter);
    if (!compiled.ok) {
      throw new TributaryError('bad_request', `filter: ${compiled.message}`, {
        field: 'filter',
        ...(compiled.position === undefined ? {} : { position: compiled.position }),
      });
    }
    release = takeScanSlot(actorKey(actor));
    if (!release) {
      throw new TributaryError(
        'rate_limited',
        `at most ${BROWSE_LIMITS.maxConcurrentPerActor} message scans may run at once; stop one first`,
      );
    }
    const paths = await loadPiiPaths(db);
    reader = createOffsetReader({
      brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      sasl: kafkaSaslFromEnv(env),
      clientId: 'tributary-console-browser',
    });
    browserMetrics().running.inc();

    const stop = new AbortController();
    let closed = false;
    // NOTE: a disconnected client may never pull again, leaving the generator parked at a yield:
    // stopping therefore also returns it, so its finally runs and the Kafka client closes.
    const shutdown = async () => {
      closed = true;
      stop.abort();
      await lines.return('stopped').catch(() => {});
      await finish();
    };
    const onAbort = () => void shutdown();
    const lines = scanMessages(
      {
        reader,
        kind: topicKindOf(request.topic, env.TOPIC_PREFIX),
        filter: compiled.filter,
        pii: { paths, reveal: can(actor, 'pii:read') },
        signal: stop.signal,
        ...(opts.limits ? { limits: opts.limits } : {}),
        onEnd: (end, progress) => recordScanEnd(end, progress.scanned),
      },
      request,
    );
    const finish = async () => {
      req.signal.removeEventListener('abort', onAbort);
      await cleanup();
    };
    if (req.signal.aborted) await shutdown();
    else req.signal.addEventListener('abort', onAbort, { once: true });
    // The first line needs the partitions' offsets: an unknown topic or partition fails here,
    // while the answer can still be a 400/404.
    let first: IteratorResult<string>;
    try {
      first = await lines.next();
    } catch (err) {
      await finish();
      throw err;
    }
    const encoder = new TextEncoder();
    let pending: string | null = first.done ? null : first.value;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          if (pending !== null) {
            controller.enqueue(encoder.encode(pending));
            pending = null;
            return;
          }
          const next = await lines.next();
          if (closed) return;
          if (next.done) {
            closed = true;
            controller.close();
            await finish();
            return;
          }
          controller.enqueue(encoder.encode(next.value));
        } catch (err) {
          if (closed) return;
          closed = true;
          const message = err instanceof Error ? err.message : String(err);
          controller.enqueue(
            encoder.encode(`${JSON.stringify({ type: 'error', code: 'unavailable', message })}\n`),
          );
          controller.close();
          await finish();
        }
      },
      async cancel() {
        await shutdown();
      },
    });
    return new Response(body, {
      status: 200,
      headers: {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'cache-control': 'no-store',
        // Proxies must pass lines on as they come, not buffer the scan.
        'x-accel-buffering': 'no',
      },
    });
  } catch (err) {
    await cleanup();
    if (err instanceof BrowseInputError) return errorResponse(new TributaryError('bad_request', err.message));
    if (err instanceof Error && /does not exist|Unknown topic/i.test(err.message)) {
      return errorResponse(new TributaryError('not_found', err.message));
    }
    return errorResponse(err);
  }
}
