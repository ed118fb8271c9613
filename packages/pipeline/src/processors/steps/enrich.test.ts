import { describe, expect, it } from 'vitest';
import { parseLookupCsv } from '../lookup-csv.ts';
import { testEvent, testRuntime } from '../test-events.ts';
import { enrichGeoStep } from './enrich-geo.ts';
import { enrichLookupStep } from './enrich-lookup.ts';
import { enrichUaStep } from './enrich-ua.ts';
import { parseUserAgent } from './parse-user-agent.ts';

const ctx = { rt: testRuntime(), indices: [0, 1], contributions: [], watermark: { eventTimeMs: 0 } };

describe('enrich_ua', () => {
  it('writes browser, os, device and the bot flag', async () => {
    const step = enrichUaStep({ id: 'ua', kind: 'enrich_ua', from: 'metadata.user_agent', to: 'derived.ua' });
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    const [desktop, mobile] = await step.run(
      [testEvent(), testEvent({ metadata: { user_agent: iphone } })],
      ctx,
    );
    expect(desktop).toMatchObject({
      kind: 'ok',
      event: {
        derived: {
          ua: {
            browser: 'Chrome',
            browser_version: '120.0',
            os: 'Windows',
            device: 'desktop',
            is_bot: false,
          },
        },
      },
    });
    expect(mobile).toMatchObject({
      event: { derived: { ua: { browser: 'Mobile Safari', os: 'iOS', device: 'mobile' } } },
    });
    const [none] = await step.run([testEvent({ metadata: {} })], ctx);
    expect(none).toMatchObject({ event: { derived: { ua: { browser: null, is_bot: false } } } });
  });

  it('flags bots and caches by the string', () => {
    const bot = parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    expect(bot.is_bot).toBe(true);
    expect(parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toBe(
      bot,
    );
  });
});

describe('enrich_geo', () => {
  it('writes the country, or null', async () => {
    const step = enrichGeoStep({ id: 'geo', kind: 'enrich_geo', from: 'metadata.ip', to: 'derived.geo' });
    const [us, none] = await step.run([testEvent(), testEvent({ metadata: { ip: '192.168.1.1' } })], ctx);
    expect(us).toMatchObject({ event: { derived: { geo: { country: 'US' } } } });
    expect(none).toMatchObject({ event: { derived: { geo: { country: null } } } });
  });
});

describe('enrich_lookup', () => {
  it('joins the row by key as text, or null', async () => {
    const parsed = parseLookupCsv('plans', 1, 'code,tier\npro,2\n7,seven\n', 'code');
    if (!parsed.ok) throw new Error('csv');
    const step = enrichLookupStep(
      { id: 'l', kind: 'enrich_lookup', table: 'plans', key: 'data.plan', to: 'derived.plan' },
      parsed.table,
    );
    const [hit, miss] = await step.run([testEvent(), testEvent({ data: { plan: 'gold' } })], ctx);
    expect(hit).toMatchObject({ event: { derived: { plan: { code: 'pro', tier: '2' } } } });
    expect(miss).toMatchObject({ event: { derived: { plan: null } } });
    const [num] = await step.run([testEvent({ data: { plan: 7 } })], ctx);
    expect(num).toMatchObject({ event: { derived: { plan: { tier: 'seven' } } } });
  });
});
