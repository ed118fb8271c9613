import { GROUP_BY_ALL, type Labels, type PolicyNode, type RootPolicy } from '@tributary/contracts';
import { labelsKey, matchesAll } from './labels.ts';

/** A policy node an alert matched, with what it inherited from its ancestors. */
export interface RouteMatch {
  /** Path in the tree: 'root', 'root.0', 'root.0.2' (stable while the tree is unchanged). */
  id: string;
  receiver: string;
  groupBy: string[];
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalSeconds: number;
  /** Not inherited (as in Alertmanager): each node names its own. */
  muteTimings: string[];
}

type Settings = Omit<RouteMatch, 'id' | 'muteTimings'>;

function inherit(parent: Settings, node: PolicyNode): Settings {
  return {
    receiver: node.receiver ?? parent.receiver,
    groupBy: node.groupBy ?? parent.groupBy,
    groupWaitSeconds: node.groupWaitSeconds ?? parent.groupWaitSeconds,
    groupIntervalSeconds: node.groupIntervalSeconds ?? parent.groupIntervalSeconds,
    repeatIntervalSeconds: node.repeatIntervalSeconds ?? parent.repeatIntervalSeconds,
  };
}

/**
 * The nodes an alert goes to, as Alertmanager routes: depth first; a node that matches takes
 * the alert unless one of its children does; after a matching child the siblings are tried
 * only if that child has `continue`. The root matches everything.
 */
export function matchRoutes(root: RootPolicy, labels: Labels): RouteMatch[] {
  const rootSettings: Settings = {
    receiver: root.receiver,
    groupBy: root.groupBy,
    groupWaitSeconds: root.groupWaitSeconds,
    groupIntervalSeconds: root.groupIntervalSeconds,
    repeatIntervalSeconds: root.repeatIntervalSeconds,
  };
  const visit = (
    node: { routes: PolicyNode[] },
    settings: Settings,
    id: string,
    mute: string[],
  ): RouteMatch[] => {
    const found: RouteMatch[] = [];
    for (const [i, child] of node.routes.entries()) {
      if (!matchesAll(child.matchers, labels)) continue;
      found.push(...visit(child, inherit(settings, child), `${id}.${i}`, child.muteTimings));
      if (!child.continue) break;
    }
    return found.length > 0 ? found : [{ id, ...settings, muteTimings: mute }];
  };
  return visit(root, rootSettings, 'root', root.muteTimings);
}

/** The labels a route groups an alert by ('...': all of them). */
export function groupLabels(route: Pick<RouteMatch, 'groupBy'>, labels: Labels): Labels {
  if (route.groupBy.includes(GROUP_BY_ALL)) return { ...labels };
  const out: Labels = {};
  for (const name of route.groupBy) out[name] = labels[name] ?? '';
  return out;
}

/** One aggregation group: a route and the values of its group_by labels. */
export function groupId(route: Pick<RouteMatch, 'id' | 'groupBy'>, labels: Labels): string {
  return `${route.id}:${labelsKey(groupLabels(route, labels))}`;
}
