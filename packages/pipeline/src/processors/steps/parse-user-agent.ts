import { isbot } from 'isbot';
import { UAParser } from 'ua-parser-js';
import { LruCache } from '../lru-cache.ts';

/** What enrich_ua writes. `device` is ua-parser's type (mobile, tablet, …) or 'desktop' when it names none. */
export interface UserAgentInfo {
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  device: string | null;
  is_bot: boolean;
}

/** User agents longer than this are cut before parsing and caching (real ones are < 512). */
export const MAX_USER_AGENT_LENGTH = 1024;
export const UA_CACHE_SIZE = 10_000;

const EMPTY: UserAgentInfo = Object.freeze({
  browser: null,
  browser_version: null,
  os: null,
  device: null,
  is_bot: false,
});

// One cache per process: the answer depends on the string only, and traffic repeats a few
// thousand user agents, so recompiling a processor keeps the warm entries.
let cache: LruCache<UserAgentInfo> | undefined;

/** Parses with ua-parser-js 1.x (MIT) and isbot; results are frozen and shared between events. */
export function parseUserAgent(ua: string): UserAgentInfo {
  if (ua.length === 0) return EMPTY;
  const key = ua.length > MAX_USER_AGENT_LENGTH ? ua.slice(0, MAX_USER_AGENT_LENGTH) : ua;
  cache ??= new LruCache(UA_CACHE_SIZE);
  const hit = cache.get(key);
  if (hit) return hit;
  const info = parseUncached(key);
  cache.set(key, info);
  return info;
}

export function parseUncached(ua: string): UserAgentInfo {
  const r = new UAParser(ua).getResult();
  const bot = isbot(ua);
  return Object.freeze({
    browser: r.browser.name ?? null,
    browser_version: r.browser.version ?? null,
    os: r.os.name ?? null,
    device: r.device.type ?? (bot ? null : 'desktop'),
    is_bot: bot,
  });
}

export const NO_USER_AGENT = EMPTY;
