import type { PolicyNode, RootPolicy } from '@tributary/contracts';

/** One node of the policy tree, named as a person editing the tree would find it. */
export interface PolicyNodeRef {
  /** Dotted path as refusals name fields: `policy`, `policy.routes.0.routes.1`. */
  path: string;
  /** `the root route`, or `route routes[0].routes[1] (severity="critical")`. */
  label: string;
  receiver: string | undefined;
  muteTimings: string[];
}

function describe(node: PolicyNode): string {
  if (node.matchers.length === 0) return '';
  return ` (${node.matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(', ')})`;
}

/** Every node of the tree, root first, depth first. */
export function policyNodes(policy: RootPolicy): PolicyNodeRef[] {
  const out: PolicyNodeRef[] = [
    { path: 'policy', label: 'the root route', receiver: policy.receiver, muteTimings: policy.muteTimings },
  ];
  const visit = (routes: PolicyNode[], path: string, shown: string) => {
    routes.forEach((node, i) => {
      const p = `${path}.routes.${i}`;
      const s = `${shown}routes[${i}]`;
      out.push({
        path: p,
        label: `route ${s}${describe(node)}`,
        receiver: node.receiver,
        muteTimings: node.muteTimings,
      });
      visit(node.routes, p, `${s}.`);
    });
  };
  visit(policy.routes, 'policy', '');
  return out;
}

/** The nodes that send to `receiver`. */
export function routesUsingReceiver(policy: RootPolicy, receiver: string): PolicyNodeRef[] {
  return policyNodes(policy).filter((n) => n.receiver === receiver);
}

/** The nodes muted by the mute timing `name`. */
export function routesUsingMuteTiming(policy: RootPolicy, name: string): PolicyNodeRef[] {
  return policyNodes(policy).filter((n) => n.muteTimings.includes(name));
}
