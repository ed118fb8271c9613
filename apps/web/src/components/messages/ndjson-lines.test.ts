import { describe, expect, it } from 'vitest';
import { createLineSplitter } from './ndjson-lines.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('createLineSplitter', () => {
  it('joins lines split across chunks and splits chunks holding several', () => {
    const s = createLineSplitter();
    expect(s.push(bytes('{"a":1}\n{"b"'))).toEqual(['{"a":1}']);
    expect(s.push(bytes(':2}\n{"c":3}\n\n'))).toEqual(['{"b":2}', '{"c":3}']);
    expect(s.push(bytes('{"d":4}'))).toEqual([]);
    expect(s.end()).toEqual(['{"d":4}']);
  });

  it('keeps a multi-byte character split between chunks whole', () => {
    const s = createLineSplitter();
    const all = bytes('{"x":"Zoë"}\n');
    expect(s.push(all.slice(0, 9))).toEqual([]);
    expect(s.push(all.slice(9))).toEqual(['{"x":"Zoë"}']);
  });
});
