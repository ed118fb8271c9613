import type { ProcessorEvent } from '@tributary/contracts';

/**
 * Dotted field paths over a ProcessorEvent ('data.plan', 'derived.ua.browser', 'user_id').
 * Reads follow own properties only, and writes copy every object on the way (copy-on-write),
 * so the caller's event is never changed and an inherited property (`toString`, `__proto__`)
 * can never be read or replaced.
 */

/** Segments that would reach or replace an object's prototype; refused in every path. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

export function forbiddenSegment(path: string): string | undefined {
  return path.split('.').find((s) => FORBIDDEN_SEGMENTS.has(s));
}

export function splitPath(path: string): string[] {
  return path.split('.');
}

function isPlainRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at `segments`, or undefined when any part is absent. */
export function getAt(event: ProcessorEvent, segments: readonly string[]): unknown {
  let cur: unknown = event;
  for (const s of segments) {
    if (!isPlainRecord(cur) || !Object.hasOwn(cur, s)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/**
 * A copy of `event` with `value` at `segments` (objects created as needed). A non-object in the
 * way is an error: overwriting `data.user` = "bob" to set `data.user.name` would lose data.
 */
export function setAt(event: ProcessorEvent, segments: readonly string[], value: unknown): ProcessorEvent {
  return setIn(event as unknown as Record<string, unknown>, segments, 0, value) as unknown as ProcessorEvent;
}

function setIn(
  obj: Record<string, unknown>,
  segments: readonly string[],
  i: number,
  value: unknown,
): Record<string, unknown> {
  const key = segments[i]!;
  const copy: Record<string, unknown> = { ...obj };
  if (i === segments.length - 1) {
    copy[key] = value;
    return copy;
  }
  const next = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (next !== undefined && next !== null && !isPlainRecord(next)) {
    throw new Error(
      `cannot set ${segments.join('.')}: ${segments.slice(0, i + 1).join('.')} is not an object`,
    );
  }
  copy[key] = setIn(next ?? {}, segments, i + 1, value);
  return copy;
}

/** A copy of `event` without the field at `segments` (unchanged when it is absent). */
export function removeAt(event: ProcessorEvent, segments: readonly string[]): ProcessorEvent {
  if (getAt(event, segments) === undefined && !hasAt(event, segments)) return event;
  return removeIn(event as unknown as Record<string, unknown>, segments, 0) as unknown as ProcessorEvent;
}

function hasAt(event: ProcessorEvent, segments: readonly string[]): boolean {
  const parent = getAt(event, segments.slice(0, -1));
  return isPlainRecord(parent) && Object.hasOwn(parent, segments[segments.length - 1]!);
}

function removeIn(
  obj: Record<string, unknown>,
  segments: readonly string[],
  i: number,
): Record<string, unknown> {
  const key = segments[i]!;
  const copy: Record<string, unknown> = { ...obj };
  if (i === segments.length - 1) {
    delete copy[key];
    return copy;
  }
  copy[key] = removeIn(obj[key] as Record<string, unknown>, segments, i + 1);
  return copy;
}
