import { isObject, type JsonObject } from './json.ts';
import type { JsonSchema } from './types.ts';

/**
 * Resolves a `$ref` inside the same document: `#`, `#/$defs/x`, `#/definitions/x` or any JSON
 * pointer, plus plain-name anchors (`#name` matching `$anchor`). Remote references are not
 * fetched — a registry must not reach out to the network — so they resolve to undefined.
 */
export function resolveLocalRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  const fragment = decodeURIComponent(ref.slice(1));
  if (fragment === '') return root;
  if (!fragment.startsWith('/')) return findAnchor(root, fragment, new Set());
  let node: unknown = root;
  for (const raw of fragment.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = node[token];
    else return undefined;
  }
  return isObject(node) || typeof node === 'boolean' ? node : undefined;
}

function findAnchor(node: unknown, anchor: string, seen: Set<unknown>): JsonObject | undefined {
  if (seen.has(node)) return undefined;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAnchor(item, anchor, seen);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  if (node.$anchor === anchor) return node;
  for (const value of Object.values(node)) {
    const found = findAnchor(value, anchor, seen);
    if (found) return found;
  }
  return undefined;
}

/** Every `$ref` string reachable from `node`, following local refs through `root`. */
export function collectRefs(node: unknown, root: JsonSchema, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, root, into);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (into.has(value)) continue;
        into.add(value);
        collectRefs(resolveLocalRef(root, value), root, into);
      } else {
        collectRefs(value, root, into);
      }
    }
  }
  return into;
}
