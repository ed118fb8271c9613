import { DEFAULT_REPLAY_RATE, MAX_REPLAY_RATE } from '@tributary/contracts';
import { describeSyntaxProblem, parseSchemaText } from '../schemas/schema-text.ts';

export { DEFAULT_REPLAY_RATE };

/** The optional schema version to validate against: '' is "each subject's latest". */
export function parseSchemaVersion(
  text: string,
): { ok: true; value: number | undefined } | { ok: false; problem: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: undefined };
  return /^[1-9][0-9]{0,8}$/.test(t)
    ? { ok: true, value: Number(t) }
    : { ok: false, problem: 'the schema version is a positive whole number (or empty for the latest)' };
}

export function parseRate(text: string): { ok: true; value: number } | { ok: false; problem: string } {
  const t = text.trim();
  const n = Number(t);
  return /^[0-9]+$/.test(t) && n >= 1 && n <= MAX_REPLAY_RATE
    ? { ok: true, value: n }
    : { ok: false, problem: `the rate is a whole number of events per second from 1 to ${MAX_REPLAY_RATE}` };
}

/** Why an edited payload cannot be sent, in words, or null when it is one JSON object. */
export function payloadProblem(text: string): string | null {
  if (text.trim() === '') return 'The payload is empty.';
  const parsed = parseSchemaText(text);
  if (!parsed.ok) return `Not JSON — ${describeSyntaxProblem(parsed.problem)}`;
  const v = parsed.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return 'The payload must be one JSON object (an event).';
  return null;
}
