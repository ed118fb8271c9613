/**
 * When a rule is evaluated. Every rule keeps a fixed place in its interval, an offset derived
 * from its name, so 1,000 rules at a 1-minute interval spread over the minute instead of all
 * querying ClickHouse at :00, and every jobs instance (a new leader too) agrees on the slots.
 */

/** FNV-1a (32 bit): stable across processes and versions, and spreads short names well. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Where in each interval the rule's evaluations fall (0 ≤ offset < interval). */
export function ruleOffsetMs(name: string, intervalMs: number): number {
  return fnv1a(name) % intervalMs;
}

/** The rule's latest evaluation slot at or before t. */
export function slotAtOrBefore(name: string, intervalMs: number, t: number): number {
  const offset = ruleOffsetMs(name, intervalMs);
  return Math.floor((t - offset) / intervalMs) * intervalMs + offset;
}

/**
 * The next slot to evaluate, given the last evaluation (null: never). A slot missed while no
 * leader ran is evaluated once, late (now), not replayed slot by slot: alerting is about now.
 */
export function nextSlot(
  name: string,
  intervalMs: number,
  lastEvaluatedAt: number | null,
  now: number,
): number {
  const latest = slotAtOrBefore(name, intervalMs, now);
  return lastEvaluatedAt !== null && lastEvaluatedAt >= latest ? latest + intervalMs : latest;
}
