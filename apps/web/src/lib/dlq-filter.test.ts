import { describe, expect, it } from 'vitest';
import {
  anchorNow,
  buildFilter,
  emptyFilterForm,
  formFromParams,
  paramsFor,
  rangeFromParams,
} from './dlq-filter.ts';

const noon = Date.UTC(2026, 0, 10, 12, 0, 0);

describe('dead-letter filter', () => {
  it('anchors the range to a whole minute', () => {
    expect(anchorNow(noon + 59_999)).toBe(noon);
  });

  it('leaves out what is not filtered and trims names', () => {
    expect(buildFilter('1h', noon, emptyFilterForm)).toEqual({ from: '2026-01-10T11:00:00.000Z' });
    expect(
      buildFilter('24h', noon, {
        stage: 'worker',
        code: ' schema_violation ',
        eventType: ' checkout ',
        source: 'web',
        status: 'pending',
        text: ' a b ',
        reason: 'data does not match',
      }),
    ).toEqual({
      from: '2026-01-09T12:00:00.000Z',
      stages: ['worker'],
      codes: ['schema_violation'],
      eventType: 'checkout',
      source: 'web',
      status: 'pending',
      text: ' a b ',
      reason: 'data does not match',
    });
  });

  it('ignores a stage or status it does not know', () => {
    expect(buildFilter('1h', noon, { ...emptyFilterForm, stage: 'x', status: 'gone' })).toEqual({
      from: '2026-01-10T11:00:00.000Z',
    });
  });

  it('round-trips through the URL, defaults left out', () => {
    const form = { ...emptyFilterForm, text: 'a&b=c', reason: 'why; not', eventType: 'x' };
    const query = paramsFor('7d', form);
    expect(query).toBe('range=7d&type=x&q=a%26b%3Dc&reason=why%3B+not');
    const params = Object.fromEntries(new URLSearchParams(query));
    expect(rangeFromParams(params)).toBe('7d');
    expect(formFromParams(params)).toEqual(form);
    expect(paramsFor('24h', emptyFilterForm)).toBe('');
    expect(rangeFromParams({ range: 'forever' })).toBe('24h');
    expect(formFromParams({ stage: ['sink', 'ingest'] }).stage).toBe('sink');
  });
});
