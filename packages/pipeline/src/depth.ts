/**
 * Nesting depth of a parsed JSON value (a scalar is 1), counted iteratively so a hostile
 * payload cannot overflow the stack. Stops early once `limit` is passed.
 */
export function depthOf(root: unknown, limit: number): number {
  let max = 0;
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (depth > limit) return depth;
    if (typeof node === 'object' && node !== null) {
      for (const child of Object.values(node)) {
        if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
      }
    }
  }
  return max;
}
