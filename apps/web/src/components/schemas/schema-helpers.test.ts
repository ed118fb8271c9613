import { describe, expect, it } from 'vitest';
import { formatDateTime, sortedJson, subjectFromParam, subjectHref } from './display.ts';
import { diffStats, lineDiff } from './line-diff.ts';
import { describeSyntaxProblem, lineAndColumn, parseSchemaText, prettySchema } from './schema-text.ts';

describe('lineDiff', () => {
  it('keeps common lines and marks removed before added within a change', () => {
    const d = lineDiff('a\nb\nc', 'a\nx\nc\nd');
    expect(d).toEqual([
      { kind: 'same', text: 'a', left: 1, right: 1 },
      { kind: 'removed', text: 'b', left: 2 },
      { kind: 'added', text: 'x', right: 2 },
      { kind: 'same', text: 'c', left: 3, right: 3 },
      { kind: 'added', text: 'd', right: 4 },
    ]);
    expect(diffStats(d)).toEqual({ added: 2, removed: 1 });
  });

  it('handles empty sides and identical texts', () => {
    expect(lineDiff('', '')).toEqual([]);
    expect(lineDiff('', 'a')).toEqual([{ kind: 'added', text: 'a', right: 1 }]);
    expect(lineDiff('a', '')).toEqual([{ kind: 'removed', text: 'a', left: 1 }]);
    expect(diffStats(lineDiff('a\nb', 'a\nb'))).toEqual({ added: 0, removed: 0 });
  });

  it('shows an added property of a pretty-printed schema as added lines only', () => {
    const v1 = { type: 'object', properties: { plan: { type: 'string' } } };
    const v2 = { type: 'object', properties: { plan: { type: 'string' }, seats: { type: 'integer' } } };
    const d = lineDiff(prettySchema(v1), prettySchema(v2));
    const changed = d.filter((l) => l.kind !== 'same').map((l) => `${l.kind}:${l.text.trim()}`);
    // The closing brace of "plan" pairs with that of "seats": a minimal diff adds three lines.
    expect(changed).toEqual(['added:},', 'added:"seats": {', 'added:"type": "integer"']);
    // Every line of both sides appears exactly once.
    expect(d.filter((l) => l.kind !== 'added')).toHaveLength(prettySchema(v1).split('\n').length);
    expect(d.filter((l) => l.kind !== 'removed')).toHaveLength(prettySchema(v2).split('\n').length);
  });
});

describe('parseSchemaText', () => {
  it('parses valid JSON', () => {
    expect(parseSchemaText('{"type":"object"}')).toEqual({ ok: true, value: { type: 'object' } });
  });

  it('reports where the syntax breaks, as line and column', () => {
    const r = parseSchemaText('{\n  "a": 1,\n}');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem.line).toBe(3);
    expect(r.problem.column).toBe(1);
    expect(r.problem.message).not.toMatch(/position/);
    expect(describeSyntaxProblem(r.problem)).toMatch(/^Line 3, column 1: /);
  });

  it('calls empty text empty', () => {
    const r = parseSchemaText('  \n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(describeSyntaxProblem(r.problem)).toBe('The schema is empty.');
  });

  it('converts offsets to 1-based line and column', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('display helpers', () => {
  it('compares documents regardless of key order', () => {
    expect(sortedJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } })).toBe(
      sortedJson({ a: { c: null, d: [1, { x: 2, y: 1 }] }, b: 1 }),
    );
    expect(sortedJson({ a: [1, 2] })).not.toBe(sortedJson({ a: [2, 1] }));
  });

  it('formats times in UTC and encodes subject paths', () => {
    expect(formatDateTime(Date.UTC(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04 UTC');
    expect(formatDateTime('nope')).toBe('—');
    expect(subjectHref('a:b', '/new')).toBe('/schemas/a%3Ab/new');
    expect(subjectFromParam('a%3Ab')).toBe('a:b');
    expect(subjectFromParam('a:b')).toBe('a:b');
  });
});
