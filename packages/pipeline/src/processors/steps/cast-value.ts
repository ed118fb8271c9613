import type { castTypes } from '@tributary/contracts';
import { describeValue } from './step.ts';

type CastType = (typeof castTypes)[number];

/** A value converted for `cast`, or why it cannot be. Numbers cast to timestamp are epoch milliseconds. */
export function castValue(
  v: unknown,
  to: CastType,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const fail = () => ({ ok: false as const, message: `cannot cast ${describeValue(v)} to ${to}` });
  switch (to) {
    case 'string':
      if (typeof v === 'string') return { ok: true, value: v };
      if (typeof v === 'number' || typeof v === 'boolean') return { ok: true, value: String(v) };
      return { ok: true, value: JSON.stringify(v) };
    case 'number': {
      if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, value: v } : fail();
      if (typeof v === 'boolean') return { ok: true, value: v ? 1 : 0 };
      if (typeof v === 'string' && v.trim() !== '') {
        const n = Number(v);
        return Number.isFinite(n) ? { ok: true, value: n } : fail();
      }
      return fail();
    }
    case 'boolean':
      if (typeof v === 'boolean') return { ok: true, value: v };
      if (v === 1 || v === 'true' || v === '1') return { ok: true, value: true };
      if (v === 0 || v === 'false' || v === '0') return { ok: true, value: false };
      return fail();
    case 'timestamp': {
      const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : Number.NaN;
      if (!Number.isFinite(ms)) return fail();
      const d = new Date(ms);
      return Number.isNaN(d.getTime()) ? fail() : { ok: true, value: d.toISOString() };
    }
  }
}
