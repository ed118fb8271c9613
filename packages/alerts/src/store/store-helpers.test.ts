// Pure parts of the alert store: which receiver fields are secrets and how they read masked, how
// routing nodes are named in refusals, and the history retention cutoff.
import { rootPolicySchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { alertHistoryCutoff } from './history.ts';
import { policyNodes, routesUsingMuteTiming, routesUsingReceiver } from './policy-references.ts';
import { MASK, maskReceiver } from './receiver-secrets.ts';

describe('maskReceiver', () => {
  it("keeps a webhook's scheme and host and hides its path and header values", () => {
    expect(
      maskReceiver({
        kind: 'webhook',
        name: 'h',
        url: 'https://hooks.slack.com/services/T/B/token',
        format: 'slack',
        headers: { 'X-Token': 't0k3n' },
      }),
    ).toEqual({
      kind: 'webhook',
      name: 'h',
      url: `https://hooks.slack.com/${MASK}`,
      format: 'slack',
      headers: { 'X-Token': MASK },
    });
  });

  it('leaves an email receiver as it is (no secrets)', () => {
    const r = { kind: 'email' as const, name: 'm', to: ['a@example.test'], subjectPrefix: '[T]' };
    expect(maskReceiver(r)).toEqual(r);
  });
});

describe('policy references', () => {
  const policy = rootPolicySchema.parse({
    receiver: 'root',
    muteTimings: ['weekends'],
    routes: [
      {
        receiver: 'db',
        matchers: [{ name: 'team', op: '=', value: 'db' }],
        routes: [{ receiver: 'pager', muteTimings: ['nights'] }],
      },
      { matchers: [{ name: 'severity', op: '=~', value: 'warn|info' }], muteTimings: ['nights'] },
    ],
  });

  it('names every node, root first, depth first', () => {
    expect(policyNodes(policy).map((n) => [n.path, n.label])).toEqual([
      ['policy', 'the root route'],
      ['policy.routes.0', 'route routes[0] (team="db")'],
      ['policy.routes.0.routes.0', 'route routes[0].routes[0]'],
      ['policy.routes.1', 'route routes[1] (severity=~"warn|info")'],
    ]);
  });

  it('finds the routes sending to a receiver or muted by a timing', () => {
    expect(routesUsingReceiver(policy, 'pager').map((n) => n.path)).toEqual(['policy.routes.0.routes.0']);
    expect(routesUsingReceiver(policy, 'unused')).toEqual([]);
    expect(routesUsingMuteTiming(policy, 'nights').map((n) => n.path)).toEqual([
      'policy.routes.0.routes.0',
      'policy.routes.1',
    ]);
  });
});

describe('alertHistoryCutoff', () => {
  it('is 30 days before now unless told otherwise', () => {
    const now = new Date('2026-12-31T00:00:00Z');
    expect(alertHistoryCutoff(now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(alertHistoryCutoff(now, 7).toISOString()).toBe('2026-12-24T00:00:00.000Z');
  });
});
