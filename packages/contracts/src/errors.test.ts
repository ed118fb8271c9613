import { describe, expect, it } from 'vitest';
import {
  defaultErrorMessages,
  errorCodeNames,
  errorCodes,
  MAX_ERROR_DETAILS_CHARS,
  publicErrorSchema,
  TributaryError,
} from './errors.ts';

describe('error vocabulary', () => {
  it('gives every code a status, a tRPC code, a retry default and words', () => {
    for (const code of errorCodeNames) {
      const entry = errorCodes[code];
      expect(entry.http).toBeGreaterThanOrEqual(400);
      expect(entry.trpc).toMatch(/^[A-Z_]+$/);
      expect(typeof entry.retryable).toBe('boolean');
      expect(defaultErrorMessages[code].length).toBeGreaterThan(5);
    }
  });

  it('marks outages retryable and refusals not', () => {
    expect(errorCodes.clickhouse_unavailable).toMatchObject({ http: 503, retryable: true });
    expect(errorCodes.kafka_unavailable.retryable).toBe(true);
    expect(errorCodes.postgres_unavailable.retryable).toBe(true);
    expect(errorCodes.query_too_large).toMatchObject({ http: 422, retryable: false });
    expect(errorCodes.bad_request.retryable).toBe(false);
    expect(errorCodes.not_found.retryable).toBe(false);
  });
});

describe('TributaryError', () => {
  it('keeps the code, words, details and cause; retryable follows the code unless told', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:8123');
    const err = new TributaryError(
      'clickhouse_unavailable',
      'ClickHouse is not answering',
      { n: 1 },
      { cause },
    );
    expect(err).toMatchObject({ code: 'clickhouse_unavailable', details: { n: 1 }, httpStatus: 503 });
    expect(err.cause).toBe(cause);
    expect(err.retryable).toBe(true);
    expect(new TributaryError('unavailable', 'x', undefined, { retryable: false }).retryable).toBe(false);
    expect(new TributaryError('bad_request', 'x').retryable).toBe(false);
    expect('cause' in new TributaryError('bad_request', 'x')).toBe(false);
  });
});

describe('publicErrorSchema', () => {
  it('accepts what a client receives and refuses unknown codes or oversized details', () => {
    const ok = { code: 'query_too_large', message: 'narrow the time range', retryable: false, details: null };
    expect(publicErrorSchema.parse(ok)).toEqual(ok);
    expect(publicErrorSchema.safeParse({ ...ok, code: 'nope' }).success).toBe(false);
    const long = 'x'.repeat(MAX_ERROR_DETAILS_CHARS + 2);
    expect(publicErrorSchema.safeParse({ ...ok, details: long }).success).toBe(false);
  });
});
