import { z } from 'zod';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './supervisor.ts';

const d = DEFAULT_RESTART_POLICY;
const schema = z.object({
  SUPERVISOR_BACKOFF_INITIAL_MS: z.coerce.number().int().positive().default(d.initialDelayMs),
  SUPERVISOR_BACKOFF_MAX_MS: z.coerce.number().int().positive().default(d.maxDelayMs),
  SUPERVISOR_MAX_CRASHES: z.coerce.number().int().min(1).default(d.maxCrashes),
  SUPERVISOR_CRASH_WINDOW_MS: z.coerce.number().int().positive().default(d.windowMs),
});

/** `npm start`'s restart policy: backoff and give-up numbers, from the environment. */
export function restartPolicyFromEnv(env: Record<string, string | undefined> = process.env): RestartPolicy {
  const e = schema.parse(env);
  if (e.SUPERVISOR_BACKOFF_MAX_MS < e.SUPERVISOR_BACKOFF_INITIAL_MS) {
    throw new Error('SUPERVISOR_BACKOFF_MAX_MS must not be below SUPERVISOR_BACKOFF_INITIAL_MS');
  }
  return {
    initialDelayMs: e.SUPERVISOR_BACKOFF_INITIAL_MS,
    maxDelayMs: e.SUPERVISOR_BACKOFF_MAX_MS,
    maxCrashes: e.SUPERVISOR_MAX_CRASHES,
    windowMs: e.SUPERVISOR_CRASH_WINDOW_MS,
  };
}
