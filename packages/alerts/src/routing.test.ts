import { rootPolicySchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import { groupId, groupLabels, matchRoutes } from './routing.ts';

const policy = rootPolicySchema.parse({
  receiver: 'default',
  groupBy: ['alertname'],
  routes: [
    {
      receiver: 'data-team',
      matchers: [{ name: 'team', op: '=', value: 'data' }],
      groupBy: ['alertname', 'source'],
      groupWaitSeconds: 10,
      continue: true,
      routes: [
        {
          receiver: 'data-pager',
          matchers: [{ name: 'severity', op: '=', value: 'page' }],
          muteTimings: ['nights'],
        },
      ],
    },
    { receiver: 'audit', matchers: [{ name: 'team', op: '=~', value: 'data|infra' }] },
    { receiver: 'never', matchers: [{ name: 'team', op: '=~', value: '.+' }] },
  ],
});

describe('matchRoutes', () => {
  it('routes depth first, the deepest match taking the alert, continue trying siblings', () => {
    const m = matchRoutes(policy, { alertname: 'lag', team: 'data', severity: 'page' });
    expect(m.map((r) => [r.id, r.receiver])).toEqual([
      ['root.0.0', 'data-pager'],
      ['root.1', 'audit'],
    ]);
    // The child inherits the parent's grouping and timings; mute timings are its own.
    expect(m[0]).toMatchObject({
      groupBy: ['alertname', 'source'],
      groupWaitSeconds: 10,
      groupIntervalSeconds: 300,
      muteTimings: ['nights'],
    });
    expect(m[1]).toMatchObject({ groupBy: ['alertname'], groupWaitSeconds: 30, muteTimings: [] });
  });

  it('a matching node without a matching child takes the alert; no match falls to the root', () => {
    expect(matchRoutes(policy, { team: 'data' }).map((r) => r.id)).toEqual(['root.0', 'root.1']);
    expect(matchRoutes(policy, { team: 'infra' }).map((r) => r.id)).toEqual(['root.1']);
    expect(matchRoutes(policy, { team: 'web' }).map((r) => r.id)).toEqual(['root.2']);
    expect(matchRoutes(policy, { alertname: 'x' }).map((r) => [r.id, r.receiver])).toEqual([
      ['root', 'default'],
    ]);
  });

  it('groups by the route labels', () => {
    const [route] = matchRoutes(policy, { alertname: 'lag', team: 'data', source: 'web' });
    expect(groupLabels(route!, { alertname: 'lag', team: 'data', source: 'web' })).toEqual({
      alertname: 'lag',
      source: 'web',
    });
    expect(groupId(route!, { alertname: 'lag', source: 'web', x: '1' })).toBe(
      groupId(route!, { source: 'web', alertname: 'lag' }),
    );
    expect(groupLabels({ groupBy: ['...'] }, { a: '1', b: '2' })).toEqual({ a: '1', b: '2' });
  });
});
