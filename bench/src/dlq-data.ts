import { randomUUID } from 'node:crypto';
import { toDateTime64 } from '@tributary/clickhouse';

/**
 * A realistic dead-letter store for the DLQ bench: failures at every stage, a skewed mix of
 * codes and reasons (a few groups hold most entries, as in a real incident queue), bursts,
 * re-failed replays, JSON payloads of 200–600 bytes. Deterministic (seeded), so two runs load
 * the same shape; ids are fresh UUIDs.
 *
 * Every 10th entry (i % 10 === 0) is a demo-source ingest failure that passes the ingest checks
 * today (its schema was loosened, or its type allowed, after it failed): exactly those are
 * selected by REPLAY_FILTER. Every 10th entry at i % 10 === 5 has a status change recorded.
 */

export const DAY_MS = 86_400_000;
/** Stays clear of the 14-day TTL, so no entry expires while the bench runs. */
const SPAN_MS = 14 * DAY_MS - 2 * 3_600_000;

/** A text in ~3 % of payloads (metadata.account) and one in none, for the payload search. */
export const TEXT_SOME = 'acme-corp.io';
export const TEXT_NONE = 'no-such-tenant-7f3a';

const SOURCES = ['web', 'ios', 'android', 'backend'] as const;

export const EVENT_TYPES = [
  'page_view',
  'user_signup',
  'purchase',
  'button_click',
  'add_to_cart',
  'remove_from_cart',
  'checkout_started',
  'checkout_completed',
  'search',
  'video_play',
  'video_pause',
  'login',
  'logout',
  'password_reset',
  'subscription_renewed',
  'subscription_cancelled',
  'invoice_paid',
  'app_open',
  'push_opened',
  'feature_flag_evaluated',
] as const;

interface Reason {
  stage: 'ingest' | 'worker' | 'sink';
  code: string;
  message: string;
  weight: number;
}

/** ~50 reasons over 10 codes, with weights roughly Zipf-like. */
const REASONS: Reason[] = (() => {
  const out: Reason[] = [];
  const add = (stage: Reason['stage'], code: string, messages: string[]) =>
    messages.forEach((message) => out.push({ stage, code, message, weight: 0 }));
  add('ingest', 'invalid_envelope', [
    "event: missing required field 'event_type'",
    'timestamp: must match format "date-time"',
    "event: unknown field 'properties' (put custom fields under data)",
    "event: unknown field 'userId' (put custom fields under data)",
    'data: must be object',
    'metadata: must be object',
    'event_type: must match pattern "^[A-Za-z0-9_.:-]+$"',
    'user_id: must be string,null',
  ]);
  add('ingest', 'schema_violation', [
    "data does not match schema page_view v2: data: must have required property 'path'",
    'data does not match schema purchase v1: data/amount: must be >= 0',
    'data does not match schema purchase v1: data/currency: must match pattern "^[A-Z]{3}$"',
    'data does not match schema user_signup v1: data/method: must be equal to one of the allowed values',
    "data does not match schema user_signup v1: data: must have required property 'plan'",
    "data does not match schema checkout_completed v3: data: must have required property 'order_id'",
    'data does not match schema search v1: data/query: must NOT have more than 256 characters',
  ]);
  add('ingest', 'unknown_event_type', [
    "event_type 'debug_ping' has no registered schema, and source 'backend' rejects unknown event types",
    "event_type 'test_event' has no registered schema, and source 'ios' rejects unknown event types",
    "event_type 'experiment_exposure' has no registered schema, and source 'web' rejects unknown event types",
    "event_type 'Page View' has no registered schema, and source 'android' rejects unknown event types",
  ]);
  add('worker', 'invalid_envelope', [
    'message value is not JSON: Unexpected end of JSON input',
    "message value is not JSON: Unexpected token '\\u0000' in JSON at position 0",
    'envelope: missing received_at',
  ]);
  add('worker', 'transform_error', [
    "processor 'currency_normalize': unknown currency 'XBT'",
    "processor 'geo_enrich': ip '::ffff:10.0.0.1' is not a public address",
    "processor 'session_stitch': user_id changed within one session",
    "processor 'pii_scrub': data.email is not a string",
    "processor 'flatten_props': more than 512 keys after flattening",
    "processor 'utm_parse': malformed URI sequence in data.url",
  ]);
  add('worker', 'enrichment_failed', [
    'user profile lookup failed: 404 from profile service',
    'user profile lookup failed: timeout after 2000 ms',
    'device catalog has no entry for model SM-A546B',
    'exchange rate for 2024-12-31 unavailable',
  ]);
  add('worker', 'processor_timeout', [
    "processor 'session_stitch' exceeded 500 ms",
    "processor 'geo_enrich' exceeded 500 ms",
    "processor 'bot_filter' exceeded 500 ms",
  ]);
  add('sink', 'insert_rejected', [
    "Code: 27. Cannot parse input: expected '\"' before: '}': (at row 1)",
    'Code: 53. Type mismatch in IN or VALUES section. Expected: DateTime64(3). Got: String',
    "Code: 36. Unknown JSON path 'data.__proto__'",
    'Code: 131. Too large string size',
  ]);
  add('sink', 'value_out_of_range', [
    'timestamp 1970-01-01T00:00:00.000Z is before the table minimum (1970-01-02)',
    'timestamp 2106-02-07T06:28:16.000Z is after the table maximum',
    'data.amount 1.8e308 does not fit Float64 column',
    'schema_version 4294967296 does not fit UInt32',
  ]);
  add('sink', 'column_type_mismatch', [
    "data.quantity: expected Int64, got String '2 units'",
    'data.price: expected Float64, got Bool',
    'data.tags: expected Array(String), got Object',
    'metadata.app_version: expected String, got Number',
  ]);
  add('sink', 'malformed_dead_letter', [
    'dead-letter record is not JSON',
    "dead-letter record: missing required field 'stage'",
  ]);
  // Zipf-ish: the k-th reason (in a fixed shuffled order) weighs 1/(k+1)^0.9.
  const order = out.map((_, i) => i).sort((a, b) => ((a * 7919) % 53) - ((b * 7919) % 53));
  order.forEach((idx, k) => (out[idx]!.weight = 1 / Math.pow(k + 1, 0.9)));
  return out;
})();

export const REASON_COUNT = REASONS.length;
export const CODE_COUNT = new Set(REASONS.map((r) => r.code)).size;

/** The replayable demo entries' reasons: fixed by schema v2 (referrer) and allowed types since. */
const DEMO_REASONS = [
  {
    code: 'schema_violation',
    message: 'data does not match schema page_view v1: data: must NOT have additional properties',
    type: 'page_view',
  },
  {
    code: 'unknown_event_type',
    message:
      "event_type 'button_click' has no registered schema, and source 'demo' rejects unknown event types",
    type: 'button_click',
  },
  {
    code: 'schema_violation',
    message: 'data does not match schema purchase v1: data/currency: must match pattern "^[A-Z]{3}$"',
    type: 'purchase',
  },
  {
    code: 'schema_violation',
    message:
      'data does not match schema user_signup v1: data/method: must be equal to one of the allowed values',
    type: 'user_signup',
  },
] as const;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface DeadLetterRow {
  id: string;
  event_id: string;
  stage: string;
  code: string;
  message: string;
  details: string;
  payload: string;
  payload_encoding: 'utf8';
  source: string | null;
  write_key_id: string | null;
  event_type: string | null;
  schema_version: number | null;
  origin_topic: string | null;
  origin_partition: number | null;
  origin_offset: string | null;
  failed_at: string;
  first_failed_at: string;
  attempts: number;
  replay_of: string;
}

export interface StatusRow {
  id: string;
  status: 'replayed' | 'discarded';
  changed_at: string;
  actor: string;
  reason: string;
  replay_id: string;
  attempts: number;
}

export interface Generator {
  /** Rows [start, start + count). */
  chunk(start: number, count: number): { rows: DeadLetterRow[]; statuses: StatusRow[] };
}

/** Incidents: a reason spikes for a couple of hours (25 % of non-demo entries fall in one). */
const INCIDENTS = [
  { reason: 3, atDaysAgo: 0.3, hours: 2 },
  { reason: 12, atDaysAgo: 1.7, hours: 3 },
  { reason: 20, atDaysAgo: 4.2, hours: 1 },
  { reason: 31, atDaysAgo: 6.5, hours: 2 },
  { reason: 40, atDaysAgo: 9.1, hours: 4 },
  { reason: 8, atDaysAgo: 12.4, hours: 2 },
];

export function createGenerator(opts: {
  now: number;
  seed?: number;
  demoWriteKeyId: string;
  eventsTopic: string;
}): Generator {
  const rand = mulberry32(opts.seed ?? 42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const cumulative: number[] = [];
  let total = 0;
  for (const r of REASONS) cumulative.push((total += r.weight));
  const pickReason = () => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const writeKeys = Object.fromEntries(SOURCES.map((s) => [s, randomUUID()]));
  const userAgents = [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    'Tributary-iOS/3.12.0 (iPhone15,2; iOS 17.4.1)',
    'Tributary-Android/3.11.2 (Pixel 8; Android 14)',
    'tributary-node/1.4.0',
  ];
  const paths = [
    '/',
    '/pricing',
    '/docs/getting-started',
    '/blog/2024/streaming-joins',
    '/signup',
    '/checkout',
  ];

  function failedAtFor(reasonIdx: number | null): number {
    if (reasonIdx !== null && rand() < 0.25) {
      const inc = INCIDENTS[Math.floor(rand() * INCIDENTS.length)]!;
      return opts.now - inc.atDaysAgo * DAY_MS + rand() * inc.hours * 3_600_000 - inc.hours * 1_800_000;
    }
    return opts.now - rand() * SPAN_MS;
  }

  function dataFor(type: string, replayable: boolean): Record<string, unknown> {
    switch (type) {
      case 'page_view':
        return { path: pick(paths), referrer: pick(['google', 'newsletter', 'twitter', 'direct']) };
      case 'purchase':
        return {
          sku: pick(['starter', 'team', 'enterprise-annual']),
          amount: Math.round(rand() * 50_000) / 100,
          currency: replayable ? pick(['USD', 'EUR', 'GBP']) : pick(['usd', 'EUR', 'XBT']),
        };
      case 'user_signup':
        return {
          plan: pick(['starter', 'team']),
          method: replayable ? 'sso' : pick(['email', 'magic_link']),
        };
      case 'button_click':
        return { button: pick(['cta_hero', 'nav_pricing', 'footer_contact']), page: pick(paths) };
      default:
        return {
          session_id: `s_${Math.floor(rand() * 1e9).toString(36)}`,
          value: Math.round(rand() * 10_000) / 100,
          label: pick(['alpha', 'beta', 'gamma', 'delta']),
          items: Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ({
            sku: `sku_${Math.floor(rand() * 5000)}`,
            qty: 1 + Math.floor(rand() * 3),
          })),
        };
    }
  }

  function eventFor(type: string, at: number, replayable: boolean): Record<string, unknown> {
    const metadata: Record<string, unknown> = {
      sdk: pick(['tributary-js/2.4.1', 'tributary-ios/3.12.0', 'tributary-android/3.11.2']),
      ip: `${Math.floor(rand() * 223) + 1}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)}`,
      locale: pick(['en-US', 'de-DE', 'fr-FR', 'ja-JP']),
    };
    // Browsers send long user agents; SDKs on phones and servers send short ones or none.
    if (rand() < 0.4) metadata.user_agent = pick(userAgents);
    if (rand() < 0.03) metadata.account = `ops@${TEXT_SOME}`;
    else metadata.account = `team-${Math.floor(rand() * 900)}@example.com`;
    return {
      event_id: randomUUID(),
      event_type: type,
      timestamp: new Date(at - Math.floor(rand() * 5000)).toISOString(),
      user_id: `u_${Math.floor(rand() * 250_000)}`,
      data: dataFor(type, replayable),
      metadata,
    };
  }

  return {
    chunk(start, count) {
      const rows: DeadLetterRow[] = [];
      const statuses: StatusRow[] = [];
      for (let i = start; i < start + count; i++) {
        const id = randomUUID();
        if (i % 10 === 0) {
          const demo = DEMO_REASONS[Math.floor(rand() * DEMO_REASONS.length)]!;
          const at = failedAtFor(null);
          const event = eventFor(demo.type, at, true);
          rows.push({
            id,
            event_id: event.event_id as string,
            stage: 'ingest',
            code: demo.code,
            message: demo.message,
            details: JSON.stringify({ reasons: [demo.message], index: 0 }),
            payload: JSON.stringify(event),
            payload_encoding: 'utf8',
            source: 'demo',
            write_key_id: opts.demoWriteKeyId,
            event_type: demo.type,
            schema_version: demo.code === 'schema_violation' ? 1 : null,
            origin_topic: null,
            origin_partition: null,
            origin_offset: null,
            failed_at: toDateTime64(at),
            first_failed_at: toDateTime64(at),
            attempts: 1,
            replay_of: '',
          });
          continue;
        }
        const ri = pickReason();
        const reason = REASONS[ri]!;
        const at = failedAtFor(ri);
        const source = rand() < 0.05 && reason.stage !== 'ingest' ? 'demo' : pick(SOURCES);
        const type =
          reason.code === 'unknown_event_type' ? pick(['debug_ping', 'test_event']) : pick(EVENT_TYPES);
        const event = eventFor(type, at, false);
        let payload: string;
        if (reason.stage === 'ingest') {
          payload = JSON.stringify(event);
        } else {
          // Past ingest the payload is the envelope ingest wrote.
          payload = JSON.stringify({
            ...event,
            source,
            write_key_id: writeKeys[source as (typeof SOURCES)[number]] ?? opts.demoWriteKeyId,
            received_at: new Date(at - 200).toISOString(),
            traceparent: `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`,
          });
        }
        const refailed = rand() < 0.05;
        const attempts = refailed ? 2 + Math.floor(rand() * 3) : 1;
        rows.push({
          id,
          event_id: event.event_id as string,
          stage: reason.stage,
          code: reason.code,
          message: reason.message,
          details: JSON.stringify({
            reasons: [reason.message],
            index: reason.stage === 'ingest' ? 0 : undefined,
          }),
          payload,
          payload_encoding: 'utf8',
          source,
          write_key_id: writeKeys[source as (typeof SOURCES)[number]] ?? opts.demoWriteKeyId,
          event_type:
            reason.code === 'invalid_envelope' && reason.message.includes("'event_type'") ? null : type,
          schema_version: reason.code === 'schema_violation' ? 1 + Math.floor(rand() * 3) : null,
          origin_topic: reason.stage === 'ingest' ? null : opts.eventsTopic,
          origin_partition: reason.stage === 'ingest' ? null : Math.floor(rand() * 6),
          origin_offset: reason.stage === 'ingest' ? null : String(Math.floor(rand() * 5_000_000)),
          failed_at: toDateTime64(at),
          first_failed_at: toDateTime64(refailed ? at - rand() * 3 * DAY_MS : at),
          attempts,
          replay_of: refailed ? randomUUID() : '',
        });
        if (i % 10 === 5) {
          const replayed = rand() < 0.7;
          const changed = Math.min(opts.now - 1000, at + rand() * 6 * 3_600_000);
          statuses.push({
            id,
            status: replayed ? 'replayed' : 'discarded',
            changed_at: toDateTime64(changed),
            actor: pick(['alice@tributary.dev', 'bob@tributary.dev', 'oncall-bot']),
            reason: replayed ? 'replayed' : 'producer fixed; event obsolete',
            replay_id: replayed ? randomUUID() : '',
            attempts,
          });
        }
      }
      return { rows, statuses };
    },
  };
}
