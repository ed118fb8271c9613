import { describe, expect, it } from 'vitest';
import { LOOKUP_LIMITS, parseLookupCsv } from './lookup-csv.ts';

describe('parseLookupCsv', () => {
  it('indexes rows by the key column', () => {
    const r = parseLookupCsv(
      'plans',
      3,
      '\uFEFFcode,name,tier\npro,Pro,2\nfree,"Free, forever",0\n\n',
      'code',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.table).toMatchObject({
      name: 'plans',
      version: 3,
      keyColumn: 'code',
      columns: ['code', 'name', 'tier'],
    });
    expect(r.table.rows.get('free')).toEqual({ code: 'free', name: 'Free, forever', tier: '0' });
    expect(r.table.rows.size).toBe(2);
  });

  it('refuses broken rows with their line numbers', () => {
    const r = parseLookupCsv('t', 1, 'code,name\nA,1\nA,2\nB\nC,3,4\n,5\n', 'code');
    expect(r).toEqual({
      ok: false,
      errors: [
        { line: 3, message: 'key "A" repeats line 2' },
        { line: 4, message: '1 fields, the header has 2' },
        { line: 5, message: '3 fields, the header has 2' },
        { line: 6, message: 'empty key (code)' },
      ],
    });
  });

  it('refuses bad quoting with the line', () => {
    const r = parseLookupCsv('t', 1, 'code,name\nA,1\nB,"x"y\n', 'code');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({ line: 3, message: expect.stringContaining('Quote') });
  });

  it('refuses a missing key column, bad column names and oversize files', () => {
    expect(parseLookupCsv('t', 1, 'a,b\n1,2\n', 'code')).toMatchObject({
      ok: false,
      errors: [{ line: 1, message: 'no key column "code" (columns: a, b)' }],
    });
    expect(parseLookupCsv('t', 1, 'code,__proto__,x y\n1,2,3\n', 'code')).toMatchObject({
      ok: false,
      errors: [{ line: 1 }, { line: 1 }],
    });
    expect(parseLookupCsv('t', 1, 'code,code\n1,2\n', 'code')).toMatchObject({
      ok: false,
      errors: [{ message: 'column code appears twice' }],
    });
    expect(parseLookupCsv('t', 1, 'x'.repeat(LOOKUP_LIMITS.maxBytes + 1), 'code')).toMatchObject({
      ok: false,
      errors: [{ line: 0 }],
    });
    expect(parseLookupCsv('t', 1, '', 'code')).toMatchObject({
      ok: false,
      errors: [{ message: 'the file is empty' }],
    });
  });
});
