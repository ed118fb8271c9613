import { countryOfIp } from '../geo-database.ts';
import { getAt, setAt, splitPath } from '../field-paths.ts';
import type { GeoStep } from './step-types.ts';
import { perEventStep, type CompiledStep } from './step.ts';

const UNKNOWN = Object.freeze({ country: null });

/** Writes { country } (ISO alpha-2, or null for a missing, private or unknown address). */
export function enrichGeoStep(step: GeoStep): CompiledStep {
  const from = splitPath(step.from);
  const to = splitPath(step.to);
  return perEventStep(step.id, step.kind, (event) => {
    const ip = getAt(event, from);
    const country = typeof ip === 'string' ? countryOfIp(ip.trim()) : null;
    return { kind: 'ok', event: setAt(event, to, country === null ? UNKNOWN : { country }) };
  });
}
