import { Environment } from '@marcbachmann/cel-js';

/**
 * Text a message must contain for any event in it to match a filter, found from the filter's
 * syntax tree: the string literals of `path == "…"`, `"…" == path` and `path.contains /
 * startsWith / endsWith("…")` that are required by the whole expression (joined by `&&`, never
 * under `||`, `!` or a ternary). The scan looks for them in the raw message bytes first and
 * decodes only the messages that have them all: one indexOf instead of JSON.parse + CEL for
 * every event of a message that cannot match.
 *
 * NOTE: sound only because (1) a literal is used only when it is made of characters every JSON
 * encoder writes as themselves (letters, digits, space and `_.:@,+=#%-`), so an equal or
 * containing string value appears verbatim in the bytes, even inside an escaped JSON string like
 * a dead letter's payload; and (2) only paths whose values come from the message value are
 * used (data., metadata., event_id, event_type, source, user_id) — not `timestamp`, which may be
 * filled from the broker's time, nor `derived`.
 */
const SAFE_LITERAL = /^[A-Za-z0-9 _.:@,+=#%-]+$/;
const VALUE_ROOTS = new Set(['data', 'metadata', 'event_id', 'event_type', 'source', 'user_id']);
const STRING_METHODS = new Set(['contains', 'startsWith', 'endsWith']);

interface Node {
  op: string;
  args: unknown;
}

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && 'op' in v && 'args' in v;

let env: Environment | undefined;

/** The literals (possibly none) every matching message contains; [] when the filter does not parse. */
export function requiredLiterals(expression: string): string[] {
  if (expression.trim() === '') return [];
  env ??= new Environment({ unlistedVariablesAreDyn: true });
  let ast: unknown;
  try {
    ast = env.parse(expression).ast;
  } catch {
    return [];
  }
  return [...new Set(required(ast))];
}

function required(node: unknown): string[] {
  if (!isNode(node)) return [];
  if (node.op === '&&' && Array.isArray(node.args)) return node.args.flatMap(required);
  if (node.op === '==' && Array.isArray(node.args)) {
    const [a, b] = node.args as [unknown, unknown];
    const lit = literal(a) ?? literal(b);
    const path = valuePath(a) || valuePath(b);
    return lit !== null && path ? [lit] : [];
  }
  if (node.op === 'rcall' && Array.isArray(node.args)) {
    const [name, target, args] = node.args as [unknown, unknown, unknown];
    if (typeof name !== 'string' || !STRING_METHODS.has(name) || !Array.isArray(args) || args.length !== 1)
      return [];
    const lit = literal(args[0]);
    return lit !== null && valuePath(target) ? [lit] : [];
  }
  return [];
}

function literal(node: unknown): string | null {
  if (!isNode(node) || node.op !== 'value' || typeof node.args !== 'string') return null;
  return SAFE_LITERAL.test(node.args) ? node.args : null;
}

/** True for a member chain (`data.a.b`, `data["a"]`) rooted at a variable read from the message. */
function valuePath(node: unknown): boolean {
  if (!isNode(node)) return false;
  if (node.op === 'id') return typeof node.args === 'string' && VALUE_ROOTS.has(node.args);
  if ((node.op === '.' || node.op === '[]') && Array.isArray(node.args)) return valuePath(node.args[0]);
  return false;
}

/** Whether a message's bytes hold every literal. */
export function holdsAll(value: Buffer, literals: readonly string[]): boolean {
  for (const l of literals) if (value.indexOf(l) < 0) return false;
  return true;
}
