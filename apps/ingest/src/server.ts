import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import {
  SpanStatusCode,
  context,
  trace,
  traceHeaders,
  type Logger,
  type Registry,
  type StageCounter,
} from '@tributary/telemetry';
import { HEADERS, TributaryError, partitionForEventId, type TopicNames } from '@tributary/contracts';
import { KafkaUnavailableError } from '@tributary/kafka';
import { decodeBody } from './body.ts';
import { sortEvents } from '@tributary/pipeline';
import type { KeyLookup } from './write-keys.ts';
import type { ProduceBatcher } from './produce-batcher.ts';
import type { IngestMetrics } from './metrics.ts';
import type { SchemaRules } from '@tributary/pipeline';

export interface IngestDeps {
  logger: Logger;
  registry: Registry;
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
}

const tracer = trace.getTracer('tributary-ingest');

export function buildServer(deps: IngestDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: deps.limits.maxBodyBytes });

  // Every body arrives as bytes: decoding (gzip, UTF-8, JSON vs NDJSON) is ours, so errors
  // carry our messages and statuses rather than the framework's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, _req, reply) => {
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

  app.get('/metrics', async (_req, reply) => {
    return reply.header('content-type', deps.registry.contentType).send(await deps.registry.metrics());
  });

  app.post('/v1/events', async (req, reply) => {
    const started = process.hrtime.bigint();
    const span = tracer.startSpan('ingest.request');
    const log = deps.logger.child({ trace_id: span.spanContext().traceId });
    try {
      const key = await authenticate(deps.lookupKey, req.headers.authorization);
      const claimedSource = req.headers['x-tributary-source'];
      if (typeof claimedSource === 'string' && claimedSource !== key.sourceName) {
        throw new TributaryError('forbidden', `This write key may not send to source '${claimedSource}'`);
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const events = await decodeBody(
        body,
        { contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'] },
        { maxInflatedBytes: deps.limits.maxInflatedBytes, maxEvents: deps.limits.maxEvents },
      );
      deps.stages.add('received', events.length);

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
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.requestSeconds.observe({ status: String(reply.statusCode) }, seconds);
    }
  });

  return app;
}

async function authenticate(lookup: KeyLookup, header: string | undefined) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match)
    throw new TributaryError('unauthorized', 'Missing write key: send Authorization: Bearer <write key>');
  const info = await lookup(match[1]!);
  if (!info) throw new TributaryError('unauthorized', 'Unknown or revoked write key');
  return info;
}

function sendError(reply: FastifyReply, err: TributaryError) {
  return reply.code(err.httpStatus).send({ error: { code: err.code, message: err.message } });
}
