import { valueAt } from './event-diff.ts';

/** What a caller without pii:read sees in place of a pii value (the dead-letter store's mark). */
export const PII_MASK = '••• pii •••';

/**
 * Hides pii from a preview for a caller without the grant. Two passes: the values at the type's
 * pii fields (by path), then any other string equal to one of those values (by value), because a
 * step can move or copy a value to a field no tag names (rename data.email → data.contact; set
 * derived.who = data.email). A hashed value (pii_hash) differs from the original and stays.
 */
const MIN_MATCHED_LENGTH = 3;

export class PiiMasker {
  readonly #secrets = new Set<string>();

  /** Records the pii values of an input event (before any step ran). */
  learn(event: unknown, fields: readonly string[]): void {
    for (const f of fields) collectStrings(valueAt(event, f), this.#secrets);
  }

  /** A copy of `value` with every learnt pii value replaced, and the fields' values too. */
  mask<T>(value: T, fields: readonly string[] = []): T {
    if (this.#secrets.size === 0 && fields.length === 0) return value;
    const copy = structuredClone(value);
    for (const f of fields) setIfPresent(copy, f.split('.'));
    return this.#byValue(copy) as T;
  }

  #byValue(node: unknown): unknown {
    if (typeof node === 'string') return this.#secrets.has(node) ? PII_MASK : node;
    if (Array.isArray(node)) return node.map((n) => this.#byValue(n));
    if (typeof node === 'object' && node !== null) {
      const obj = node as Record<string, unknown>;
      for (const k of Object.keys(obj)) obj[k] = this.#byValue(obj[k]);
      return obj;
    }
    return node;
  }
}

function collectStrings(v: unknown, into: Set<string>): void {
  if (v === null || v === undefined) return;
  if (typeof v === 'string') {
    // NOTE: short strings and numbers are masked by path only: matching them by value would hide
    // counts and flags that merely equal them ("1", true).
    if (v.length >= MIN_MATCHED_LENGTH) into.add(v);
  } else if (Array.isArray(v)) for (const x of v) collectStrings(x, into);
  else if (typeof v === 'object') for (const x of Object.values(v)) collectStrings(x, into);
}

function setIfPresent(node: unknown, keys: string[]): void {
  const [head, ...rest] = keys;
  if (head === undefined || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) setIfPresent(item, keys);
    return;
  }
  const obj = node as Record<string, unknown>;
  if (!(head in obj)) return;
  if (rest.length === 0) obj[head] = PII_MASK;
  else setIfPresent(obj[head], rest);
}
