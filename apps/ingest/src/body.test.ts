import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TributaryError } from '@tributary/contracts';
import { decodeBody } from './body.ts';

const limits = { maxInflatedBytes: 1024 * 1024, maxEvents: 100 };
const json = { contentType: 'application/json', contentEncoding: undefined };

async function failure(p: Promise<unknown>): Promise<TributaryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TributaryError);
  return err as TributaryError;
}

describe('decodeBody', () => {
  it('accepts one event, an array, {"events": [...]} and NDJSON', async () => {
    const one = { event_type: 'a' };
    expect(await decodeBody(Buffer.from(JSON.stringify(one)), json, limits)).toHaveLength(1);
    expect(await decodeBody(Buffer.from(JSON.stringify([one, one])), json, limits)).toHaveLength(2);
    expect(
      await decodeBody(Buffer.from(JSON.stringify({ events: [one, one, one] })), json, limits),
    ).toHaveLength(3);
    const nd = await decodeBody(
      Buffer.from('{"event_type":"a"}\n\n{"event_type":"b"}\n'),
      { contentType: 'application/x-ndjson', contentEncoding: undefined },
      limits,
    );
    expect(nd.map((e) => e.text)).toEqual(['{"event_type":"a"}', '{"event_type":"b"}']);
  });

  it('inflates gzip bodies', async () => {
    const body = gzipSync(Buffer.from(JSON.stringify([{ event_type: 'a' }])));
    const events = await decodeBody(
      body,
      { contentType: 'application/json', contentEncoding: 'gzip' },
      limits,
    );
    expect(events[0]!.value).toEqual({ event_type: 'a' });
  });

  it('refuses a gzip bomb with 413 without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const err = await failure(
      decodeBody(bomb, { contentType: 'application/json', contentEncoding: 'gzip' }, limits),
    );
    expect(err.code).toBe('payload_too_large');
  });

  it.each([
    ['malformed JSON', Buffer.from('{"event_type":'), json, 'bad_request', /Malformed JSON/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), json, 'bad_request', /UTF-8/],
    [
      'wrong content type',
      Buffer.from('x'),
      { contentType: 'text/html', contentEncoding: undefined },
      'unsupported_media_type',
      /Content-Type/,
    ],
    [
      'unknown encoding',
      Buffer.from('x'),
      { contentType: 'application/json', contentEncoding: 'br' },
      'unsupported_media_type',
      /gzip/,
    ],
    [
      'not gzip',
      Buffer.from('plain'),
      { contentType: 'application/json', contentEncoding: 'gzip' },
      'bad_request',
      /gzip/,
    ],
    ['empty array', Buffer.from('[]'), json, 'bad_request', /no events/],
    ['a scalar', Buffer.from('42'), json, 'bad_request', /must be an event object/],
    [
      'absurd nesting',
      Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)),
      json,
      'bad_request',
      /nested too deeply|Malformed/,
    ],
  ] as const)('refuses %s', async (_name, body, headers, code, message) => {
    const err = await failure(decodeBody(body, headers, limits));
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('refuses more events than the per-request limit', async () => {
    const many = JSON.stringify(Array.from({ length: 101 }, () => ({ event_type: 'a' })));
    const err = await failure(decodeBody(Buffer.from(many), json, limits));
    expect(err.code).toBe('payload_too_large');
  });
});
