import { countryOfIp, preloadGeoDatabase } from '../geo-database.ts';
import { getAt, setAt, splitPath } from '../field-paths.ts';
import type { GeoStep } from './step-types.ts';
import { perEventStep, type CompiledStep } from './step.ts';

const UNKNOWN = Object.freeze({ country: null });

/** Writes { country } (ISO alpha-2, or null for a missing, private or unknown address). */
export function enrichGeoStep(step: GeoStep): CompiledStep {
  const from = splitPath(step.from);
  const to = splitPath(step.to);
  // The IPv4 table (about 0.2 s to read) loads with the step, not inside the first event's
  // step time: a preview's per-step cost then measures lookups, and a worker's first batch
  // after a switch is not held up by it.
  preloadGeoDatabase();
  return perEventStep(step.id, step.kind, (event) => {
    const ip = getAt(event, from);
    const country = typeof ip === 'string' ? countryOfIp(ip.trim()) : null;
    return { kind: 'ok', event: setAt(event, to, country === null ? UNKNOWN : { country }) };
  });
}
