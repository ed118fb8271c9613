import { dlqFilterSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { filterSql } from './filter.ts';

describe('filterSql', () => {
  it('binds every value as a parameter and never splices it into the SQL', () => {
    const text = `'); DROP TABLE x; --`;
    const { where, params } = filterSql({
      from: '2026-11-21T00:00:00Z',
      stages: ['ingest'],
      codes: ['schema_violation'],
      eventType: 'page_view',
      source: 'web',
      text,
      reason: 'r',
      status: 'replayed',
    });
    expect(where).not.toContain(text);
    expect(where).toContain('positionCaseInsensitiveUTF8(payload, {text:String})');
    expect(params).toMatchObject({
      from: '2026-11-21 00:00:00.000',
      stages: ['ingest'],
      codes: ['schema_violation'],
      eventType: 'page_view',
      source: 'web',
      text,
      status: 'replayed',
    });
  });

  it('is 1 for an empty filter, and caps the range at upTo', () => {
    expect(filterSql({}).where).toBe('1');
    const capped = filterSql({ to: '2030-01-01T00:00:00Z' }, { upTo: new Date('2026-11-22T00:00:00Z') });
    expect(capped.params.to).toBe('2026-11-22 00:00:00.000');
  });

  it('masks pii paths in a text search: one branch per set of paths, every key a parameter', () => {
    const maskedPaths = new Map([
      ['signup', ['/email', "/it's"]],
      ['login', ['/email', "/it's"]],
      ['order', ['address.street']],
    ]);
    const { where, params } = filterSql({ text: 'x' }, { maskedPaths });
    expect(where).not.toContain("it's");
    expect(where.match(/event_type IN/g)).toHaveLength(2);
    expect(params).toMatchObject({ piiTypes0: ['signup', 'login'], piiTypes1: ['order'] });
    expect(Object.values(params)).toEqual(expect.arrayContaining(['email', "it's", 'address', 'street']));
    // Without a text search, nothing about pii is added.
    expect(filterSql({ eventType: 'signup' }, { maskedPaths }).where).not.toContain('JSONExtractRaw');
  });

  it('pending means no recorded status change', () => {
    expect(filterSql({ status: 'pending' }).where).toMatch(/id NOT IN \(SELECT id FROM/);
  });
});

describe('dlqFilterSchema refuses odd input with a message naming the field', () => {
  const message = (input: unknown) => {
    const r = dlqFilterSchema.safeParse(input);
    return r.success ? null : r.error.issues.map((i) => i.message).join('; ');
  };
  it.each([
    [{ text: 'a\u0000b' }, /payload text contains control or unpaired characters/],
    [{ text: 'x\ud800' }, /unpaired/],
    [{ eventType: 'page view' }, /event type may only contain/],
    [{ source: "web'--" }, /source may only contain/],
    [{ codes: ['Schema-Violation'] }, /error codes are lower-case/],
    [{ from: '2026-11-22T00:00:00Z', to: '2026-11-21T00:00:00Z' }, /start is after its end/],
    [{ text: 'x'.repeat(201) }, /limited to 200 characters/],
  ])('%j', (input, expected) => {
    expect(message(input)).toMatch(expected);
  });
  it('accepts quotes, percent signs, tabs and any script in payload text', () => {
    expect(message({ text: `"email":\t'50%' ünïcödé 日本 😀` })).toBeNull();
  });
});
