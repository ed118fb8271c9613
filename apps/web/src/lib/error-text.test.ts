import { describe, expect, it } from 'vitest';
import { errorText, retryUnlessRefused } from './error-text.ts';

describe('errorText', () => {
  it('keeps a plain server message', () => {
    expect(errorText({ message: 'dead-letter entry x does not exist (or has expired)' })).toBe(
      'dead-letter entry x does not exist (or has expired)',
    );
    expect(errorText(null)).toBe('');
  });

  it('turns input issues into sentences', () => {
    const custom = JSON.stringify([
      {
        code: 'custom',
        path: ['filter', 'text'],
        message: 'payload text contains control or unpaired characters',
      },
    ]);
    expect(errorText({ message: custom })).toBe('payload text contains control or unpaired characters');
    const generic = JSON.stringify(
      [
        { code: 'too_small', path: ['reason'], message: 'say why (at least 3 characters)' },
        { code: 'invalid_value', path: ['selection', 'filter', 'stages', 0], message: 'Invalid option' },
      ],
      null,
      2,
    );
    expect(errorText({ message: generic })).toBe(
      'reason: say why (at least 3 characters); stages: Invalid option',
    );
  });

  it('leaves text that merely looks like JSON alone', () => {
    expect(errorText({ message: '[not json' })).toBe('[not json');
    expect(errorText({ message: '[1,2]' })).toBe('[1,2]');
  });

  it('explains a network failure', () => {
    expect(errorText({ message: 'Failed to fetch' })).toMatch(/could not be reached/);
  });

  it('retries server trouble once and refusals never', () => {
    expect(retryUnlessRefused(0, { data: { httpStatus: 400 } })).toBe(false);
    expect(retryUnlessRefused(0, { data: { httpStatus: 503 } })).toBe(true);
    expect(retryUnlessRefused(1, { data: { httpStatus: 503 } })).toBe(false);
    expect(retryUnlessRefused(0, { data: null })).toBe(true);
  });
});
