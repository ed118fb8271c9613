import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';
import { TributaryError } from '@tributary/contracts';
import { depthOf, type RawEvent as PipelineRawEvent } from '@tributary/pipeline';

const gunzipAsync = promisify(gunzip);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One event as the producer sent it. `text` is the NDJSON line as sent, or the JSON
 * re-serialised for array bodies (only rejected events need it, so array items serialise on
 * first use); `depth` is measured once here and reused by validation.
 */
export interface RawEvent extends PipelineRawEvent {
  depth: number;
}

const JSON_TYPES = new Set(['application/json', 'text/plain']);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl']);

export async function decodeBody(
  body: Buffer,
  headers: { contentType: string | undefined; contentEncoding: string | undefined },
  limits: { maxInflatedBytes: number; maxEvents: number },
): Promise<RawEvent[]> {
  const mediaType = (headers.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const isNdjson = NDJSON_TYPES.has(mediaType);
  if (!isNdjson && !JSON_TYPES.has(mediaType)) {
    throw new TributaryError(
      'unsupported_media_type',
      `Content-Type must be application/json or application/x-ndjson, got '${mediaType || 'none'}'`,
    );
  }

  const encoding = (headers.contentEncoding ?? 'identity').trim().toLowerCase();
  let bytes = body;
  if (encoding === 'gzip') {
    bytes = await inflate(body, limits.maxInflatedBytes);
  } else if (encoding !== 'identity' && encoding !== '') {
    throw new TributaryError(
      'unsupported_media_type',
      `Content-Encoding '${encoding}' is not supported; use gzip`,
    );
  }

  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new TributaryError('bad_request', 'Body is not valid UTF-8');
  }

  const events = isNdjson ? parseNdjson(text) : parseJson(text);
  if (events.length === 0) throw new TributaryError('bad_request', 'Body contains no events');
  if (events.length > limits.maxEvents) {
    throw new TributaryError(
      'payload_too_large',
      `Too many events in one request: ${events.length} (limit ${limits.maxEvents})`,
    );
  }
  return events;
}

async function inflate(body: Buffer, maxBytes: number): Promise<Buffer> {
  try {
    // maxOutputLength makes zlib stop (and free) as soon as the output would pass the limit,
    // so a small gzip bomb never becomes a large buffer.
    return await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new TributaryError('payload_too_large', `Body inflates beyond ${maxBytes} bytes`);
    }
    throw new TributaryError('bad_request', 'Body is not valid gzip');
  }
}

function parseJson(text: string): RawEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw malformed(err, 'Malformed JSON');
  }
  if (Array.isArray(value)) return value.map(itemOf);
  if (isObject(value) && Array.isArray(value.events) && Object.keys(value).length === 1) {
    return (value.events as unknown[]).map(itemOf);
  }
  if (isObject(value)) return [{ value, text, depth: depthOf(value, SERIALISABLE_DEPTH) }];
  throw new TributaryError(
    'bad_request',
    'Body must be an event object, an array of events or {"events": [...]}',
  );
}

function parseNdjson(text: string): RawEvent[] {
  const events: RawEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    try {
      const value: unknown = JSON.parse(line);
      events.push({ value, text: line, depth: depthOf(value, SERIALISABLE_DEPTH) });
    } catch (err) {
      throw malformed(err, `Malformed JSON on line ${i + 1}`);
    }
  }
  return events;
}

function malformed(err: unknown, prefix: string): TributaryError {
  // V8 parses recursively: absurd nesting exhausts the stack and surfaces as a RangeError.
  if (err instanceof RangeError) return new TributaryError('bad_request', `${prefix}: nested too deeply`);
  return new TributaryError('bad_request', `${prefix}: ${(err as Error).message}`);
}

// Array items are re-serialised only when needed (rejected events), which JSON.stringify does
// recursively; refuse up front what it could not serialise.
const SERIALISABLE_DEPTH = 1000;

function itemOf(value: unknown, index: number): RawEvent {
  const depth = depthOf(value, SERIALISABLE_DEPTH);
  if (depth > SERIALISABLE_DEPTH) {
    throw new TributaryError('bad_request', `Event at index ${index} is nested too deeply`);
  }
  let text: string | undefined;
  return {
    value,
    depth,
    get text() {
      text ??= JSON.stringify(value) ?? 'null';
      return text;
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
