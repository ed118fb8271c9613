import { createServer } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import {
  SpanStatusCode,
  context,
  trace,
  traceHeaders,
  type Logger,
  type Registry,
  type StageCounter,
} from '@tributary/telemetry';
import {
  HEADERS,
  TributaryError,
  partitionForEventId,
  sourceStage,
  type TopicNames,
} from '@tributary/contracts';
import { metricsAllowed } from '@tributary/contracts/exposure';
import { KafkaUnavailableError } from '@tributary/kafka';
import { decodeBody } from './body.ts';
import { sortEvents } from '@tributary/pipeline';
import type { KeyInfo, KeyLookup } from './write-keys.ts';
import { RateLimitedError, type IngestRateLimits } from './rate-limit-policy.ts';
import type { ProduceBatcher } from './produce-batcher.ts';
import type { IngestMetrics } from './metrics.ts';
import type { SchemaRules } from '@tributary/pipeline';

export interface IngestDeps {
  logger: Logger;
  registry: Registry;
  /** When set, /metrics answers only this bearer token. */
  metricsToken?: string;
  metrics: IngestMetrics;
  stages: StageCounter;
  /** Events, packed into one message per partition. */
  eventBatcher: ProduceBatcher;
  deadLetterBatcher: ProduceBatcher;
  /** Partitions of the events topic, for placing each event_id. */
  eventPartitions: () => number;
  lookupKey: KeyLookup;
  /** The schema registry as this instance holds it; events are checked against it. */
  rules: SchemaRules;
  topics: TopicNames;
  /** Dependency checks for /readyz; each resolves true when reachable. */
  readiness: () => Promise<Record<string, boolean>>;
  limits: { maxBodyBytes: number; maxInflatedBytes: number; maxEvents: number };
  /** Token buckets per write key and per address; null: no rate limits (benchmarks only). */
  rateLimits: IngestRateLimits | null;
  timeouts: ServerTimeouts;
  /** fastify's trustProxy, as configured (INGEST_TRUST_PROXY); unset: the peer is the client. */
  trustProxy?: string;
}

/** How long a client may take; a slow client holds a socket and a parser, never forever. */
export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The write key of a POST /v1/events, authenticated before its body is read. */
    ingestKey: KeyInfo | null;
  }
}

const tracer = trace.getTracer('tributary-ingest');

export function buildServer(deps: IngestDeps): FastifyInstance {
  const t = deps.timeouts;
  const app = Fastify({
    logger: false,
    bodyLimit: deps.limits.maxBodyBytes,
    trustProxy: trustProxyOption(deps.trustProxy),
    // Node's own limits on slow clients (fastify sets none of these on a server it is given):
    // headers within headersMs and the whole request within requestMs (then 408 and close),
    // checked every second instead of Node's default 30 s so the bound is what is configured.
    serverFactory: (handler) => {
      const server = createServer(
        {
          headersTimeout: Math.min(t.headersMs, t.requestMs),
          requestTimeout: t.requestMs,
          keepAliveTimeout: t.keepAliveMs,
          connectionsCheckingInterval: 1000,
        },
        handler,
      );
      // A socket silent in both directions this long is destroyed.
      server.setTimeout(t.idleMs);
      return server;
    },
  });
  app.decorateRequest('ingestKey', null);

  // Every body arrives as bytes: decoding (gzip, UTF-8, JSON vs NDJSON) is ours, so errors
  // carry our messages and statuses rather than the framework's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
    // Refusals raised before the handler (authentication and rate limits in onRequest).
    if (err instanceof TributaryError) return sendError(reply, err);
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return sendError(
        reply,
        new TributaryError('payload_too_large', `Body exceeds ${deps.limits.maxBodyBytes} bytes`),
      );
    }
    if (err.statusCode && err.statusCode < 500) {
      return sendError(reply, new TributaryError('bad_request', err.message));
    }
    deps.logger.error({ err }, 'unhandled error');
    return sendError(reply, new TributaryError('internal', 'Internal error'));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const checks = await deps.readiness();
    const ok = Object.values(checks).every(Boolean);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks });
  });

  app.get('/metrics', async (req, reply) => {
    if (!metricsAllowed(deps.metricsToken, req.headers.authorization)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send('send the metrics token as a Bearer token\n');
    }
    return reply.header('content-type', deps.registry.contentType).send(await deps.registry.metrics());
  });

  // Who is asking, and whether they may, is settled from the headers alone, before the body
  // is read: a client without a valid key, or over its rate, costs no body parsing.
  const admit = async (req: FastifyRequest) => {
    const token = bearerToken(req.headers.authorization);
    deps.rateLimits?.precheck(req.ip, token);
    const key = token === null ? null : await deps.lookupKey(token);
    if (!key) {
      await deps.rateLimits?.unauthenticated(req.ip);
      throw new TributaryError(
        'unauthorized',
        token === null
          ? 'Missing write key: send Authorization: Bearer <write key>'
          : 'Unknown or revoked write key',
      );
    }
    deps.rateLimits?.authenticated(token!);
    const claimedSource = req.headers['x-tributary-source'];
    if (typeof claimedSource === 'string' && claimedSource !== key.sourceName) {
      throw new TributaryError('forbidden', `This write key may not send to source '${claimedSource}'`);
    }
    deps.rateLimits?.beforeBody(key.id, key.sourceName);
    req.ingestKey = key;
  };

  const routeOptions = {
    onRequest: admit,
    // Every answer is timed, refusals before the handler included.
    onResponse: async (_req: unknown, reply: FastifyReply) => {
      deps.metrics.requestSeconds.observe({ status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    },
  };

  app.post('/v1/events', routeOptions, async (req, reply) => {
    const span = tracer.startSpan('ingest.request');
    const log = deps.logger.child({ trace_id: span.spanContext().traceId });
    try {
      const key = req.ingestKey!;
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const events = await decodeBody(
        body,
        { contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'] },
        { maxInflatedBytes: deps.limits.maxInflatedBytes, maxEvents: deps.limits.maxEvents },
      );
      // Counted in events, once the body says how many (see rate-limit-policy.ts).
      await deps.rateLimits?.events(key.id, key.sourceName, events.length);
      deps.stages.add('received', events.length);
      deps.stages.add(sourceStage(key.sourceName, 'received'), events.length);

      const headers: Record<string, string> = {
        ...traceHeaders(trace.setSpan(context.active(), span)),
        [HEADERS.source]: key.sourceName,
      };
      const sorted = sortEvents(events, key, new Date(), headers.traceparent, deps.rules);
      const partitions = deps.eventPartitions();
      const sends: Promise<void>[] = [];
      if (sorted.accepted.length > 0) {
        sends.push(
          deps.eventBatcher.send(
            deps.topics.events,
            sorted.accepted.map((e) => ({
              partition: partitionForEventId(e.event_id, partitions),
              value: JSON.stringify(e),
              headers,
            })),
          ),
        );
      }
      if (sorted.deadLetters.length > 0) {
        sends.push(
          deps.deadLetterBatcher.send(
            deps.topics.deadLetters,
            sorted.deadLetters.map((d) => ({ key: d.id, value: JSON.stringify(d), headers })),
          ),
        );
      }
      // CRITICAL: answer only after Kafka acknowledged every message of this request.
      await Promise.all(sends);

      deps.stages.add('accepted', sorted.accepted.length);
      deps.stages.add('rejected', sorted.deadLetters.length);
      deps.stages.add('dead_lettered', sorted.deadLetters.length);
      deps.stages.add(sourceStage(key.sourceName, 'accepted'), sorted.accepted.length);
      deps.stages.add(sourceStage(key.sourceName, 'rejected'), sorted.deadLetters.length);
      deps.metrics.events.inc({ result: 'accepted' }, sorted.accepted.length);
      deps.metrics.events.inc({ result: 'rejected' }, sorted.deadLetters.length);
      for (const [subject, n] of sorted.rejectedViolations) {
        deps.metrics.schemaViolations.inc({ subject, enforcement: 'enforce' }, n);
      }
      if (sorted.observed.length > 0) {
        deps.stages.add('schema_violations_observed', sorted.observed.length);
        for (const o of sorted.observed) {
          deps.metrics.schemaViolations.inc({ subject: o.subject, enforcement: 'observe' });
          log.warn(
            {
              event_id: o.event_id,
              subject: o.subject,
              version: o.version,
              reasons: o.reasons,
              source: key.sourceName,
            },
            'schema violation observed (subject in observe mode): event accepted',
          );
        }
      }
      if (sorted.deadLetters.length > 0) {
        log.info(
          { rejected: sorted.deadLetters.length, source: key.sourceName },
          'events rejected to dead-letter topic',
        );
      }
      span.setAttribute('tributary.events', events.length);
      return reply.code(200).send({
        accepted: sorted.accepted.length,
        rejected: sorted.deadLetters.length,
        results: sorted.results,
      });
    } catch (err) {
      if (err instanceof KafkaUnavailableError) {
        log.warn({ err: err.message }, 'kafka unavailable, answering 503');
        reply.header('retry-after', '5');
        return sendError(
          reply,
          new TributaryError(
            'unavailable',
            'Event storage is unavailable; nothing was accepted, retry later',
          ),
        );
      }
      if (err instanceof TributaryError) return sendError(reply, err);
      throw err;
    } finally {
      span.setStatus({ code: reply.statusCode < 500 ? SpanStatusCode.OK : SpanStatusCode.ERROR });
      span.end();
    }
  });

  return app;
}

function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1]! : null;
}

function trustProxyOption(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function sendError(reply: FastifyReply, err: TributaryError) {
  if (err instanceof RateLimitedError) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
}
