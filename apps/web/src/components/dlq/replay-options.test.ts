import { describe, expect, it } from 'vitest';
import { parseRate, parseSchemaVersion, payloadProblem } from './replay-options.ts';

describe('replay options', () => {
  it('reads an optional schema version', () => {
    expect(parseSchemaVersion(' ')).toEqual({ ok: true, value: undefined });
    expect(parseSchemaVersion('2')).toEqual({ ok: true, value: 2 });
    expect(parseSchemaVersion('0').ok).toBe(false);
    expect(parseSchemaVersion('1.5').ok).toBe(false);
  });

  it('reads a rate within the limits', () => {
    expect(parseRate('10000')).toEqual({ ok: true, value: 10000 });
    expect(parseRate('0').ok).toBe(false);
    expect(parseRate('50001').ok).toBe(false);
    expect(parseRate('fast').ok).toBe(false);
  });

  it('says why an edited payload cannot be sent', () => {
    expect(payloadProblem('{"event_type": "a", "data": {}}')).toBeNull();
    expect(payloadProblem('  ')).toBe('The payload is empty.');
    expect(payloadProblem('{ "event_type": ')).toMatch(/^Not JSON — /);
    expect(payloadProblem('[1]')).toBe('The payload must be one JSON object (an event).');
  });
});
