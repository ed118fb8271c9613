import { describe, expect, it } from 'vitest';
import {
  describeFailure,
  errorText,
  fromPublicError,
  isRetryable,
  pollUnlessFailed,
  shouldRetry,
} from './error-text.ts';

describe('errorText', () => {
  it('keeps a plain server message', () => {
    expect(errorText({ message: 'dead-letter entry x does not exist (or has expired)' })).toBe(
      'dead-letter entry x does not exist (or has expired)',
    );
    expect(errorText(null)).toBe('');
  });

  it('turns input issues into sentences', () => {
    const custom = JSON.stringify([
      {
        code: 'custom',
        path: ['filter', 'text'],
        message: 'payload text contains control or unpaired characters',
      },
    ]);
    expect(errorText({ message: custom })).toBe('payload text contains control or unpaired characters');
    const generic = JSON.stringify(
      [
        { code: 'too_small', path: ['reason'], message: 'say why (at least 3 characters)' },
        { code: 'invalid_value', path: ['selection', 'filter', 'stages', 0], message: 'Invalid option' },
      ],
      null,
      2,
    );
    expect(errorText({ message: generic })).toBe(
      'reason: say why (at least 3 characters); stages: Invalid option',
    );
  });

  it('leaves text that merely looks like JSON alone', () => {
    expect(errorText({ message: '[not json' })).toBe('[not json');
    expect(errorText({ message: '[1,2]' })).toBe('[1,2]');
  });

  it('explains a network failure', () => {
    expect(errorText({ message: 'Failed to fetch' })).toMatch(/could not be reached/);
  });

  it('retries what the server marked retryable, with no limit, and nothing else', () => {
    const down = { message: 'ClickHouse is not answering', data: { httpStatus: 503, retryable: true } };
    const tooLarge = { message: 'This query is too large', data: { httpStatus: 422, retryable: false } };
    expect(shouldRetry(0, down)).toBe(true);
    expect(shouldRetry(50, down)).toBe(true);
    expect(shouldRetry(0, tooLarge)).toBe(false);
    // No answer from the console server at all: worth another try.
    expect(isRetryable({ message: 'Failed to fetch' })).toBe(true);
    // An answer without the flag (older server): 5xx may pass, 4xx will not.
    expect(isRetryable({ message: 'x', data: { httpStatus: 500 } })).toBe(true);
    expect(isRetryable({ message: 'x', data: { httpStatus: 400 } })).toBe(false);
  });

  it('stops polling a query that failed for good, keeps polling one that may recover', () => {
    const poll = pollUnlessFailed(2000);
    expect(poll({ state: { error: null } })).toBe(2000);
    expect(poll({ state: { error: { message: 'x', data: { retryable: true } } } })).toBe(2000);
    expect(poll({ state: { error: { message: 'x', data: { retryable: false } } } })).toBe(false);
  });

  it('polls a live dashboard panel more slowly after a failure for good, never stops it', () => {
    const poll = pollUnlessFailed(5000, { afterFailureMs: 60_000 });
    expect(poll({ state: { error: null } })).toBe(5000);
    expect(poll({ state: { error: { message: 'x', data: { retryable: true } } } })).toBe(5000);
    expect(poll({ state: { error: { message: 'x', data: { retryable: false } } } })).toBe(60_000);
    // A refresh slower than the failure pace keeps its own.
    const slow = pollUnlessFailed(300_000, { afterFailureMs: 60_000 });
    expect(slow({ state: { error: { message: 'x', data: { retryable: false } } } })).toBe(300_000);
  });

  it('reads the plain words, the retry flag and the raw details of a server answer', () => {
    expect(
      describeFailure({
        message: 'ClickHouse is not answering',
        data: {
          tributaryCode: 'clickhouse_unavailable',
          retryable: true,
          details: 'connect ECONNREFUSED 127.0.0.1:8123',
        },
      }),
    ).toEqual({
      code: 'clickhouse_unavailable',
      message: 'ClickHouse is not answering',
      retryable: true,
      details: 'connect ECONNREFUSED 127.0.0.1:8123',
    });
    expect(describeFailure(null)).toBeNull();
    expect(describeFailure({ message: 'Failed to fetch' })).toMatchObject({
      code: null,
      retryable: true,
      details: 'Failed to fetch',
    });
    const partial = fromPublicError({
      code: 'query_too_large',
      message: 'This query is too large',
      retryable: false,
      details: 'raw',
    });
    expect(describeFailure(partial)).toEqual({
      code: 'query_too_large',
      message: 'This query is too large',
      retryable: false,
      details: 'raw',
    });
  });
});
