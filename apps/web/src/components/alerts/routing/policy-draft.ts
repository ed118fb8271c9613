import {
  matcherOps,
  rootPolicySchema,
  type MatcherOp,
  type PolicyNode,
  type PolicyNodeInput,
  type RootPolicy,
} from '@tributary/contracts';
import { formatDuration, parseDuration } from '../rules/rule-draft.ts';

/**
 * The routing editor's tree as typed: empty fields of a child route inherit from its parent.
 * Building it names every problem by its path in the policy (`routes.0.matchers.1.value`), as
 * rootPolicySchema and the store's refusals do (without their `policy.` prefix).
 */

export { matcherOps };

export interface MatcherDraft {
  name: string;
  op: MatcherOp;
  value: string;
}

export interface RouteDraft {
  /** A key for React only. */
  key: string;
  receiver: string;
  matchers: MatcherDraft[];
  continue: boolean;
  /** Comma-separated; '' inherits; '...' groups by every label. */
  groupBy: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  muteTimings: string[];
  routes: RouteDraft[];
}

export interface RootDraft {
  receiver: string;
  groupBy: string;
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  muteTimings: string[];
  routes: RouteDraft[];
}

export interface Problem {
  path: string;
  message: string;
}

let keys = 0;
const newKey = () => `r${++keys}`;

export function emptyRoute(): RouteDraft {
  return {
    key: newKey(),
    receiver: '',
    matchers: [{ name: '', op: '=', value: '' }],
    continue: false,
    groupBy: '',
    groupWait: '',
    groupInterval: '',
    repeatInterval: '',
    muteTimings: [],
    routes: [],
  };
}

const dur = (s: number | undefined) => (s === undefined ? '' : formatDuration(s));

function routeDraft(n: PolicyNode): RouteDraft {
  return {
    key: newKey(),
    receiver: n.receiver ?? '',
    matchers: n.matchers.map((m) => ({ ...m })),
    continue: n.continue,
    groupBy: n.groupBy?.join(', ') ?? '',
    groupWait: dur(n.groupWaitSeconds),
    groupInterval: dur(n.groupIntervalSeconds),
    repeatInterval: dur(n.repeatIntervalSeconds),
    muteTimings: [...n.muteTimings],
    routes: n.routes.map(routeDraft),
  };
}

/** The draft of a stored tree; with none saved yet, the root's defaults and the first receiver. */
export function draftFromPolicy(policy: RootPolicy | null, firstReceiver = ''): RootDraft {
  const p = policy ?? rootPolicySchema.parse({ receiver: firstReceiver || 'x' });
  return {
    receiver: policy ? p.receiver : firstReceiver,
    groupBy: p.groupBy.join(', '),
    groupWait: formatDuration(p.groupWaitSeconds),
    groupInterval: formatDuration(p.groupIntervalSeconds),
    repeatInterval: formatDuration(p.repeatIntervalSeconds),
    muteTimings: [...p.muteTimings],
    routes: p.routes.map(routeDraft),
  };
}

const list = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function seconds(text: string, path: string, problems: Problem[], inherit: boolean): number | undefined {
  if (inherit && text.trim() === '') return undefined;
  const s = parseDuration(text);
  if (s === null) {
    problems.push({ path, message: `"${text.trim()}" is not a duration (e.g. 30s, 5m, 4h)` });
    return undefined;
  }
  return s;
}

function routeInput(r: RouteDraft, path: string, problems: Problem[]): PolicyNodeInput {
  const out: PolicyNodeInput = {
    matchers: r.matchers.filter((m) => m.name.trim() !== '').map((m) => ({ ...m, name: m.name.trim() })),
    continue: r.continue,
    muteTimings: r.muteTimings,
    routes: r.routes.map((c, i) => routeInput(c, `${path}.routes.${i}`, problems)),
  };
  if (r.receiver !== '') out.receiver = r.receiver;
  if (r.groupBy.trim() !== '') out.groupBy = list(r.groupBy);
  const wait = seconds(r.groupWait, `${path}.groupWaitSeconds`, problems, true);
  const interval = seconds(r.groupInterval, `${path}.groupIntervalSeconds`, problems, true);
  const repeat = seconds(r.repeatInterval, `${path}.repeatIntervalSeconds`, problems, true);
  if (wait !== undefined) out.groupWaitSeconds = wait;
  if (interval !== undefined) out.groupIntervalSeconds = interval;
  if (repeat !== undefined) out.repeatIntervalSeconds = repeat;
  return out;
}

/** The policy the draft stands for (as routing.replace takes it) and every problem with it. */
export function buildPolicy(d: RootDraft): { policy: Record<string, unknown>; problems: Problem[] } {
  const problems: Problem[] = [];
  const policy = {
    receiver: d.receiver,
    groupBy: list(d.groupBy),
    groupWaitSeconds: seconds(d.groupWait, 'groupWaitSeconds', problems, false),
    groupIntervalSeconds: seconds(d.groupInterval, 'groupIntervalSeconds', problems, false),
    repeatIntervalSeconds: seconds(d.repeatInterval, 'repeatIntervalSeconds', problems, false),
    muteTimings: d.muteTimings,
    routes: d.routes.map((r, i) => routeInput(r, `routes.${i}`, problems)),
  };
  const checked = rootPolicySchema.safeParse(policy);
  if (!checked.success) {
    for (const i of checked.error.issues) {
      const path = i.path.join('.');
      if (!problems.some((p) => p.path === path))
        problems.push({ path: path || 'policy', message: i.message });
    }
  }
  return { policy: JSON.parse(JSON.stringify(policy)) as Record<string, unknown>, problems };
}

/** A store refusal's path (`policy.routes.0.receiver`) as the editor's (`routes.0.receiver`). */
export function editorPath(path: string): string {
  return path.replace(/^policy\.?/, '');
}

/** The list of routes a path of child indexes names ([] is the root's children). */
function childrenAt(root: RootDraft, parent: readonly number[]): RouteDraft[] | null {
  let routes = root.routes;
  for (const i of parent) {
    const next = routes[i];
    if (!next) return null;
    routes = next.routes;
  }
  return routes;
}

/** Adds an empty child route under the route at `parent` ([]: a child of the root). */
export function addRoute(root: RootDraft, parent: readonly number[]): void {
  childrenAt(root, parent)?.push(emptyRoute());
}

export function removeRoute(root: RootDraft, at: readonly number[]): void {
  const siblings = childrenAt(root, at.slice(0, -1));
  const i = at[at.length - 1];
  if (siblings && i !== undefined) siblings.splice(i, 1);
}

/** Moves a route among its siblings (order matters: the first match wins unless it continues). */
export function moveRoute(root: RootDraft, at: readonly number[], by: -1 | 1): void {
  const siblings = childrenAt(root, at.slice(0, -1));
  const i = at[at.length - 1];
  if (!siblings || i === undefined) return;
  const j = i + by;
  if (j < 0 || j >= siblings.length) return;
  const [moved] = siblings.splice(i, 1);
  if (moved) siblings.splice(j, 0, moved);
}

/** The route at a path of child indexes. */
export function routeAt(root: RootDraft, at: readonly number[]): RouteDraft | null {
  const siblings = childrenAt(root, at.slice(0, -1));
  const i = at[at.length - 1];
  return siblings && i !== undefined ? (siblings[i] ?? null) : null;
}

/** `routes.0.routes.2` for [0, 2]. */
export function routePath(at: readonly number[]): string {
  return at.map((i) => `routes.${i}`).join('.');
}
