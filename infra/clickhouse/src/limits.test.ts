import { describe, expect, it } from 'vitest';
import { parseMemory } from './connection.ts';
import { defaultLimits, LimitsError, parseSize, resolveLimits } from './limits.ts';

const GiB = 1024 ** 3;

describe('limits', () => {
  it('sizes the defaults from the machine: 40 % of RAM for the server, a quarter of that per query (≤ 4 GiB)', () => {
    const l = defaultLimits(24 * GiB);
    expect(l.maxServerMemoryBytes).toBe(Math.floor(24 * GiB * 0.4));
    expect(l.maxQueryMemoryBytes).toBe(Math.floor(l.maxServerMemoryBytes / 4));
    expect(defaultLimits(256 * GiB).maxQueryMemoryBytes).toBe(4 * GiB);
  });

  it('reads sizes and ratios from the environment, and lowers the query default with the server', () => {
    const l = resolveLimits({ TRIBUTARY_CH_MAX_SERVER_MEMORY: '0.25' }, {}, 16 * GiB);
    expect(l.maxServerMemoryBytes).toBe(4 * GiB);
    expect(l.maxQueryMemoryBytes).toBe(GiB);
    expect(resolveLimits({ TRIBUTARY_CH_MAX_BODY: '512MiB' }, {}, 16 * GiB).maxBodyBytes).toBe(
      512 * 1024 ** 2,
    );
  });

  it('fails fast on a value that is not a size', () => {
    expect(() => resolveLimits({ TRIBUTARY_CH_MAX_QUERY_MEMORY: 'lots' })).toThrow(LimitsError);
    expect(() => resolveLimits({ TRIBUTARY_CH_MAX_QUERY_MEMORY: 'lots' })).toThrow(
      /TRIBUTARY_CH_MAX_QUERY_MEMORY/,
    );
  });

  it('parses sizes the way people write them', () => {
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('8 GB')).toBe(8e9);
    expect(parseSize('2GiB')).toBe(2 * GiB);
    expect(parseSize('-1')).toBeUndefined();
    expect(parseSize('')).toBeUndefined();
  });

  it('parses max_memory_usage as the engine does (decimal and binary suffixes)', () => {
    expect(parseMemory('4000000000')).toBe(4e9);
    expect(parseMemory('4G')).toBe(4e9);
    expect(parseMemory('4Gi')).toBe(4 * GiB);
    expect(parseMemory('lots')).toBeUndefined();
  });
});
