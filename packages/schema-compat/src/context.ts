import type { CompatibilityReason, JsonSchema } from './types.ts';
import { describeFinding, type Finding } from './rules.ts';

export type Direction = 'backward' | 'forward';

/**
 * One comparison run: is every instance the writer schema accepts also accepted by the reader
 * schema? Backward runs use (old writer, new reader), forward runs (new writer, old reader).
 */
export interface CompareContext {
  direction: Direction;
  writerRoot: JsonSchema;
  readerRoot: JsonSchema;
  writerVersion: number;
  readerVersion: number;
  againstVersion: number;
  reasons: CompatibilityReason[];
  /** Shared by forks: pairs under comparison (cycle guard) and memoised derived schemas. */
  shared: SharedState;
}

export interface SharedState {
  active: Map<object, Set<object>>;
  depth: number;
  memo: WeakMap<object, Map<string, unknown>>;
}

export function newSharedState(): SharedState {
  return { active: new Map(), depth: 0, memo: new WeakMap() };
}

export function report(ctx: CompareContext, finding: Finding): void {
  const oldSide = ctx.direction === 'backward' ? finding.writer : finding.reader;
  const newSide = ctx.direction === 'backward' ? finding.reader : finding.writer;
  const { rule, message } = describeFinding(finding, {
    direction: ctx.direction,
    writerVersion: ctx.writerVersion,
    readerVersion: ctx.readerVersion,
    oldVersion: ctx.direction === 'backward' ? ctx.writerVersion : ctx.readerVersion,
    newVersion: ctx.direction === 'backward' ? ctx.readerVersion : ctx.writerVersion,
  });
  ctx.reasons.push({
    path: finding.path,
    rule,
    direction: ctx.direction,
    againstVersion: ctx.againstVersion,
    oldFragment: oldSide,
    newFragment: newSide,
    message,
  });
}

/** A context whose findings are collected separately, for trying alternatives (union branches). */
export function fork(ctx: CompareContext): CompareContext {
  return { ...ctx, reasons: [] };
}

/**
 * Derived schemas (merges, schemas with a keyword removed) are memoised per source object so
 * that a recursive schema yields the same objects on every lap, which the cycle guard needs.
 */
export function memoised<T>(ctx: CompareContext, source: object, key: string, build: () => T): T {
  let entries = ctx.shared.memo.get(source);
  if (!entries) {
    entries = new Map();
    ctx.shared.memo.set(source, entries);
  }
  if (entries.has(key)) return entries.get(key) as T;
  const value = build();
  entries.set(key, value);
  return value;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function childPath(path: string, keyword: string, name?: string | number): string {
  if (name === undefined) return `${path}.${keyword}`;
  if (typeof name === 'number') return `${path}.${keyword}[${name}]`;
  return identifier.test(name) ? `${path}.${keyword}.${name}` : `${path}.${keyword}[${JSON.stringify(name)}]`;
}
