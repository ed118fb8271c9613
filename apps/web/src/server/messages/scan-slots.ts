import { BROWSE_LIMITS } from './browse-input.ts';

/**
 * Scans running in this console process, per actor. A scan holds its slot from before its
 * Kafka client is created until after that client closed, so `running()` reaching zero means
 * every browser consumer is gone. NOTE: per process; a console scaled to several processes
 * allows the limit in each (a scan is bounded in time and bytes either way).
 */
const holder = globalThis as unknown as { tributaryScanSlots?: Map<string, number> };
const slots = (): Map<string, number> => (holder.tributaryScanSlots ??= new Map());

/** Takes a slot for `actor`, or returns null when it already runs the most scans allowed. */
export function takeScanSlot(
  actor: string,
  max: number = BROWSE_LIMITS.maxConcurrentPerActor,
): (() => void) | null {
  const m = slots();
  const held = m.get(actor) ?? 0;
  if (held >= max) return null;
  m.set(actor, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const now = (m.get(actor) ?? 1) - 1;
    if (now <= 0) m.delete(actor);
    else m.set(actor, now);
  };
}

/** Scans running now: for one actor, or in the whole process. */
export function runningScans(actor?: string): number {
  const m = slots();
  if (actor !== undefined) return m.get(actor) ?? 0;
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
