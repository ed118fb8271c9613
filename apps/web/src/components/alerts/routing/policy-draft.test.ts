import { rootPolicySchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  addRoute,
  buildPolicy,
  draftFromPolicy,
  editorPath,
  moveRoute,
  removeRoute,
  routeAt,
} from './policy-draft.ts';

const stored = rootPolicySchema.parse({
  receiver: 'default',
  groupWaitSeconds: 10,
  routes: [
    {
      matchers: [{ name: 'team', op: '=', value: 'db' }],
      receiver: 'db-pager',
      continue: true,
      groupBy: ['alertname', 'source'],
      repeatIntervalSeconds: 3600,
      muteTimings: ['nights'],
      routes: [{ matchers: [{ name: 'severity', op: '=~', value: 'warn|info' }], receiver: 'db-mail' }],
    },
  ],
});

describe('policy drafts', () => {
  it('give back the stored tree, child fields left empty inheriting', () => {
    const draft = draftFromPolicy(stored);
    expect(draft.routes[0]?.groupWait).toBe('');
    expect(draft.routes[0]?.repeatInterval).toBe('1h');
    const { policy, problems } = buildPolicy(draft);
    expect(problems).toEqual([]);
    expect(rootPolicySchema.parse(policy)).toEqual(stored);
  });

  it('start a first tree from the defaults and the first receiver', () => {
    const draft = draftFromPolicy(null, 'pager');
    expect(draft).toMatchObject({
      receiver: 'pager',
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
    });
  });

  it('add, move and remove child routes at any depth', () => {
    const draft = draftFromPolicy(stored);
    addRoute(draft, []);
    addRoute(draft, [0, 0]);
    expect(draft.routes).toHaveLength(2);
    expect(routeAt(draft, [0, 0])?.routes).toHaveLength(1);
    routeAt(draft, [1])!.receiver = 'second';
    moveRoute(draft, [1], -1);
    expect(draft.routes.map((r) => r.receiver)).toEqual(['second', 'db-pager']);
    moveRoute(draft, [0], -1);
    expect(draft.routes.map((r) => r.receiver)).toEqual(['second', 'db-pager']);
    removeRoute(draft, [0]);
    expect(draft.routes.map((r) => r.receiver)).toEqual(['db-pager']);
  });

  it('name problems by their path in the tree', () => {
    const draft = draftFromPolicy(stored);
    draft.routes[0]!.groupInterval = 'often';
    draft.routes[0]!.routes[0]!.matchers[0]!.value = '(';
    draft.repeatInterval = '10s';
    const { problems } = buildPolicy(draft);
    expect(problems.map((p) => p.path).sort()).toEqual([
      'repeatIntervalSeconds',
      'routes.0.groupIntervalSeconds',
      'routes.0.routes.0.matchers.0.value',
    ]);
    expect(editorPath('policy.routes.0.receiver')).toBe('routes.0.receiver');
    expect(editorPath('policy')).toBe('');
  });
});
