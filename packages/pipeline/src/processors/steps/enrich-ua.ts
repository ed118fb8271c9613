import { getAt, setAt, splitPath } from '../field-paths.ts';
import { NO_USER_AGENT, parseUserAgent } from './parse-user-agent.ts';
import type { UaStep } from './step-types.ts';
import { perEventStep, type CompiledStep } from './step.ts';

/** Writes { browser, browser_version, os, device, is_bot } (all null / false without a user agent). */
export function enrichUaStep(step: UaStep): CompiledStep {
  const from = splitPath(step.from);
  const to = splitPath(step.to);
  return perEventStep(step.id, step.kind, (event) => {
    const ua = getAt(event, from);
    const info = typeof ua === 'string' ? parseUserAgent(ua) : NO_USER_AGENT;
    return { kind: 'ok', event: setAt(event, to, info) };
  });
}
