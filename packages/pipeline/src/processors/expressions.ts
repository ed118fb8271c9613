import { Environment } from '@marcbachmann/cel-js';
import type { ProcessorEvent } from '@tributary/contracts';

/**
 * Processor expressions are CEL (@marcbachmann/cel-js), parsed and type-checked once at compile
 * time and evaluated per event (docs/decisions/processor-expressions.md). CEL has no loops, no
 * eval, no I/O and no access to a JavaScript object's prototype: a field that is not an own
 * property is "no such key". The structural limits below bound what one evaluation can cost.
 */

/** Expression text longer than this is refused (the contract allows up to 2000 characters). */
export const MAX_EXPRESSION_LENGTH = 2000;
/** Comprehensions (`exists`, `all`, `map`, `filter`, `exists_one`) nested deeper than this are refused: each level multiplies the work by the size of a list. */
export const MAX_COMPREHENSION_NESTING = 2;

const LIMITS = {
  maxAstNodes: 400,
  maxDepth: 32,
  maxListElements: 100,
  maxMapEntries: 100,
  maxCallArguments: 8,
};

const STRING_ROOTS = ['event_id', 'event_type', 'source', 'timestamp', 'received_at'] as const;
const MAP_ROOTS = ['data', 'metadata', 'derived'] as const;
export const EXPRESSION_VARIABLES = [...STRING_ROOTS, 'user_id', ...MAP_ROOTS] as const;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

function createEnvironment(): Environment {
  const env = new Environment({ limits: LIMITS, enableOptionalTypes: true, unlistedVariablesAreDyn: false });
  for (const v of STRING_ROOTS) env.registerVariable(v, 'string');
  env.registerVariable('user_id', 'dyn');
  for (const v of MAP_ROOTS) env.registerVariable(v, 'map');
  // JSON numbers reach CEL as doubles while literals like `2` are ints; CEL has no implicit
  // conversion, so `data.amount * 2` would fail on every event. Mixed arithmetic is allowed here.
  for (const op of ['+', '-', '*', '/'] as const) {
    const f = (a: number, b: number) =>
      op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
    env.registerOperator(`double ${op} int`, (a: number, b: bigint) => f(a, Number(b)));
    env.registerOperator(`int ${op} double`, (a: bigint, b: number) => f(Number(a), b));
  }
  return env;
}

let shared: Environment | undefined;
/** One environment per process, built on first use (no work at import time). */
function environment(): Environment {
  shared ??= createEnvironment();
  return shared;
}

/** A parsed expression, ready to evaluate against events. */
export interface CompiledExpression {
  readonly source: string;
  /** The value (ints as numbers, timestamps as ISO strings), or an error; never throws. */
  evaluate(event: ProcessorEvent): { ok: true; value: unknown } | { ok: false; message: string };
  /** The dotted data./metadata./derived. paths (and plain roots) the expression reads. */
  readonly reads: readonly string[];
}

export type ExpressionCheck =
  | { ok: true; expression: CompiledExpression; type: string }
  | { ok: false; message: string; position?: number };

interface AstNode {
  op: string;
  args: unknown;
  pos: number;
}

function isNode(v: unknown): v is AstNode {
  return typeof v === 'object' && v !== null && 'op' in v && 'args' in v;
}

interface CelErrorLike {
  summary?: string;
  message: string;
  range?: { start: number };
  node?: { pos?: number };
}

function describeError(err: unknown): { message: string; position?: number } {
  const e = err as CelErrorLike;
  const message = e.summary ?? (err instanceof Error ? err.message : String(err));
  const position = e.range?.start ?? e.node?.pos;
  return position === undefined ? { message } : { message, position };
}

/** Parses and type-checks an expression once; the result evaluates it per event. */
export function compileExpression(source: string): ExpressionCheck {
  if (source.trim().length === 0) return { ok: false, message: 'the expression is empty' };
  if (source.length > MAX_EXPRESSION_LENGTH) {
    return { ok: false, message: `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters` };
  }
  const env = environment();
  let parsed: ReturnType<Environment['parse']>;
  try {
    parsed = env.parse(source);
  } catch (err) {
    return { ok: false, ...describeError(err) };
  }
  const checked = env.check(source);
  if (!checked.valid) return { ok: false, ...describeError(checked.error) };
  const ast = parsed.ast as unknown as AstNode;
  const nesting = comprehensionNesting(ast);
  if (nesting.depth > MAX_COMPREHENSION_NESTING) {
    return {
      ok: false,
      message: `comprehensions (exists, all, map, filter) nest ${nesting.depth} deep; at most ${MAX_COMPREHENSION_NESTING} are allowed`,
      position: nesting.position,
    };
  }
  const reads = [...collectReads(ast)];
  const evaluator = parsed as unknown as (ctx: unknown) => unknown;
  return {
    ok: true,
    type: String(checked.type),
    expression: {
      source,
      reads,
      evaluate(event) {
        try {
          return { ok: true, value: toPlain(evaluator(event)) };
        } catch (err) {
          return { ok: false, message: describeError(err).message };
        }
      },
    },
  };
}

/** Syntax and type check only, with the position of the first error (for the editor). */
export function checkExpression(
  expression: string,
  knownFields?: ReadonlySet<string>,
): { ok: true } | { ok: false; message: string; position?: number } {
  const compiled = compileExpression(expression);
  if (!compiled.ok) return compiled;
  if (knownFields) {
    const unknown = compiled.expression.reads.find(
      (p) => isCheckedPath(p, knownFields) && !isKnownPath(p, knownFields),
    );
    if (unknown !== undefined) return { ok: false, message: `unknown field ${unknown}` };
  }
  return { ok: true };
}

/**
 * Whether `path` is checked against the known fields: every data. path; a metadata. path only
 * when the known fields name some metadata (the registry has schemas for data, and metadata
 * such as ip and user_agent is free-form unless the caller lists it).
 */
export function isCheckedPath(path: string, known: ReadonlySet<string>): boolean {
  if (path.startsWith('data.')) return true;
  if (!path.startsWith('metadata.')) return false;
  for (const k of known) if (k.startsWith('metadata.')) return true;
  return false;
}

/** Known when it, a parent of it (an object field) or a child of it is in `known`. */
export function isKnownPath(path: string, known: ReadonlySet<string>): boolean {
  if (known.has(path)) return true;
  let i = path.lastIndexOf('.');
  while (i > 0) {
    const parent = path.slice(0, i);
    if (parent.includes('.') && known.has(parent)) return true;
    i = parent.lastIndexOf('.');
  }
  const prefix = `${path}.`;
  for (const k of known) if (k.startsWith(prefix)) return true;
  return false;
}

/** The dotted path a member chain denotes (`data.a.b`, `data["a"]`), if it starts at a root. */
function pathOf(node: AstNode): string | undefined {
  if (node.op === 'id') return typeof node.args === 'string' ? node.args : undefined;
  if ((node.op === '.' || node.op === '.?') && Array.isArray(node.args)) {
    const [target, field] = node.args as [unknown, unknown];
    if (!isNode(target) || typeof field !== 'string') return undefined;
    const base = pathOf(target);
    return base === undefined ? undefined : `${base}.${field}`;
  }
  if ((node.op === '[]' || node.op === '[?]') && Array.isArray(node.args)) {
    const [target, index] = node.args as [unknown, unknown];
    if (!isNode(target) || !isNode(index) || index.op !== 'value' || typeof index.args !== 'string')
      return undefined;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(index.args)) return undefined;
    const base = pathOf(target);
    return base === undefined ? undefined : `${base}.${index.args}`;
  }
  return undefined;
}

const ROOTS = new Set<string>(EXPRESSION_VARIABLES);

/** The longest event paths read (a chain's prefixes are not listed separately). */
function collectReads(root: AstNode): Set<string> {
  const out = new Set<string>();
  const visit = (node: AstNode, bound: ReadonlySet<string>): void => {
    const path = pathOf(node);
    if (path !== undefined) {
      const head = path.split('.')[0]!;
      if (ROOTS.has(head) && !bound.has(head)) out.add(path);
      return;
    }
    if (node.op === 'rcall' && Array.isArray(node.args)) {
      const [name, target, args] = node.args as [string, unknown, unknown[]];
      if (isNode(target)) visit(target, bound);
      // A comprehension's first argument names a variable bound inside it.
      const first = args[0];
      const inner =
        COMPREHENSIONS.has(name) && isNode(first) && first.op === 'id' && typeof first.args === 'string'
          ? new Set([...bound, first.args])
          : bound;
      for (const a of COMPREHENSIONS.has(name) ? args.slice(1) : args) if (isNode(a)) visit(a, inner);
      return;
    }
    walkChildren(node.args, (child) => visit(child, bound));
  };
  visit(root, new Set());
  return out;
}

function walkChildren(args: unknown, f: (n: AstNode) => void): void {
  if (isNode(args)) f(args);
  else if (Array.isArray(args)) for (const a of args) walkChildren(a, f);
}

function comprehensionNesting(root: AstNode): { depth: number; position?: number } {
  let best: { depth: number; position?: number } = { depth: 0 };
  const visit = (node: AstNode, depth: number): void => {
    let d = depth;
    if (node.op === 'rcall' && Array.isArray(node.args) && COMPREHENSIONS.has(String(node.args[0]))) {
      d = depth + 1;
      if (d > best.depth) best = { depth: d, position: node.pos };
    }
    walkChildren(node.args, (child) => visit(child, d));
  };
  visit(root, 0);
  return best;
}

/** CEL values as plain JSON-like ones: ints → numbers, timestamps → ISO strings. */
function toPlain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o: Record<string, unknown> = {};
    for (const [k, val] of v) defineOwn(o, String(k), toPlain(val));
    return o;
  }
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  const o: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) defineOwn(o, k, toPlain(val));
  return o;
}

/** NOTE: `o['__proto__'] = x` would replace the prototype; JSON input can hold that key. */
function defineOwn(o: Record<string, unknown>, k: string, value: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });
  else o[k] = value;
}
