import type { z } from 'zod';

/**
 * Parses a service's environment once, at start. A bad value fails fast with one line per
 * problem, naming the variable, so a misconfigured deployment says what to fix.
 */
export function parseConfig<S extends z.ZodType>(
  service: string,
  schema: S,
  source: Record<string, string | undefined>,
): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`${service}: invalid configuration\n${lines.join('\n')}`);
  }
  return parsed.data;
}
