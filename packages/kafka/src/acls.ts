import {
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
  type Acl,
  type Admin as PltAdmin,
} from '@platformatic/kafka';
import type { AclGrant } from './types.ts';

const RESOURCE: Record<AclGrant['resourceType'], number> = {
  topic: ResourceTypes.TOPIC,
  group: ResourceTypes.GROUP,
  cluster: ResourceTypes.CLUSTER,
  transactional_id: ResourceTypes.TRANSACTIONAL_ID,
};
const PATTERN: Record<AclGrant['pattern'], number> = {
  literal: ResourcePatternTypes.LITERAL,
  prefixed: ResourcePatternTypes.PREFIXED,
};
const OPERATION: Record<AclGrant['operation'], number> = {
  read: AclOperations.READ,
  write: AclOperations.WRITE,
  describe: AclOperations.DESCRIBE,
  create: AclOperations.CREATE,
  delete: AclOperations.DELETE,
  alter: AclOperations.ALTER,
  describe_configs: AclOperations.DESCRIBE_CONFIGS,
  alter_configs: AclOperations.ALTER_CONFIGS,
  idempotent_write: AclOperations.IDEMPOTENT_WRITE,
};

export function toPltAcl(g: AclGrant): Acl {
  return {
    resourceType: RESOURCE[g.resourceType] as Acl['resourceType'],
    resourceName: g.resourceName,
    resourcePatternType: PATTERN[g.pattern] as Acl['resourcePatternType'],
    principal: g.principal,
    host: '*',
    operation: OPERATION[g.operation] as Acl['operation'],
    permissionType: AclPermissionTypes.ALLOW,
  };
}

const keyOf = (a: Acl) =>
  [
    a.principal,
    a.host,
    a.resourceType,
    a.resourcePatternType,
    a.resourceName,
    a.operation,
    a.permissionType,
  ].join('\u0000');

/** Diff-and-apply: the principals end up with exactly `grants` (createAcls alone would only add). */
export async function syncAcls(
  client: PltAdmin,
  principals: string[],
  grants: AclGrant[],
): Promise<{ created: number; deleted: number }> {
  const stray = grants.find((g) => !principals.includes(g.principal));
  if (stray) throw new Error(`grant for ${stray.principal}, which is not among the principals synced`);
  const wanted = new Map(grants.map((g) => [keyOf(toPltAcl(g)), toPltAcl(g)]));
  const current = new Map<string, Acl>();
  for (const principal of principals) {
    const resources = await client.describeAcls({
      filter: {
        resourceType: ResourceTypes.ANY,
        resourceName: null,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal,
        host: null,
        operation: AclOperations.ANY,
        permissionType: AclPermissionTypes.ANY,
      },
    });
    for (const r of resources)
      for (const p of r.acls) {
        const acl: Acl = {
          resourceType: r.resourceType,
          resourceName: r.resourceName,
          resourcePatternType: r.resourcePatternType,
          ...p,
        };
        current.set(keyOf(acl), acl);
      }
  }
  const create = [...wanted].filter(([k]) => !current.has(k)).map(([, a]) => a);
  const remove = [...current].filter(([k]) => !wanted.has(k)).map(([, a]) => a);
  if (create.length > 0) await client.createAcls({ creations: create });
  if (remove.length > 0) await client.deleteAcls({ filters: remove });
  return { created: create.length, deleted: remove.length };
}
