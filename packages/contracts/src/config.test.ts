import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from './config.ts';

describe('parseConfig', () => {
  const schema = z.object({
    PORT: z.coerce.number().int().default(8080),
    MODE: z.enum(['a', 'b']).default('a'),
  });

  it('applies defaults and coerces numbers', () => {
    expect(parseConfig('svc', schema, { PORT: '9000' })).toEqual({ PORT: 9000, MODE: 'a' });
  });

  it('names the service and every bad variable', () => {
    expect(() => parseConfig('svc', schema, { PORT: 'x', MODE: 'c' })).toThrow(
      /svc: invalid configuration\n {2}PORT: .*\n {2}MODE: /,
    );
  });
});
