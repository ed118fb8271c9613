import { childPath, type CompareContext } from './context.ts';
import { isObject, numberOrUndefined, type JsonObject } from './json.ts';
import type { Recurse } from './compare-object.ts';
import type { JsonSchema } from './types.ts';

function asSchema(value: unknown): JsonSchema | undefined {
  return isObject(value) || typeof value === 'boolean' ? value : undefined;
}

/**
 * Position by position: `prefixItems[i]` where a side has one, else that side's `items`. The
 * writer's positions stop at its closed tuple length or `maxItems`.
 */
export function compareArray(
  writer: JsonObject,
  reader: JsonObject,
  path: string,
  _ctx: CompareContext,
  recurse: Recurse,
): void {
  const wPrefix = Array.isArray(writer.prefixItems) ? writer.prefixItems : [];
  const rPrefix = Array.isArray(reader.prefixItems) ? reader.prefixItems : [];
  const wItems = asSchema(writer.items) ?? true;
  const rItems = asSchema(reader.items) ?? true;
  let wMax = numberOrUndefined(writer.maxItems) ?? Infinity;
  if (wItems === false) wMax = Math.min(wMax, wPrefix.length);
  const positions = Math.max(wPrefix.length, rPrefix.length);
  for (let i = 0; i < Math.min(positions, wMax); i++) {
    const w = i < wPrefix.length ? asSchema(wPrefix[i]) : wItems;
    const r = i < rPrefix.length ? asSchema(rPrefix[i]) : rItems;
    recurse(w, r, i < rPrefix.length ? childPath(path, 'prefixItems', i) : childPath(path, 'items'));
  }
  if (wMax > positions) recurse(wItems, rItems, childPath(path, 'items'));
}
