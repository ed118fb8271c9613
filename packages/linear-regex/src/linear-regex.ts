import { RE2JS } from 're2js';

/**
 * Regular expressions that match in time linear in the input, whatever the pattern.
 *
 * JSON Schema `pattern`s come from people who register schemas, and events are matched against
 * them on ingest's event loop (and in the console's dry runs): V8's backtracking engine needs
 * minutes for `^(a|a)*$` on 30 × 'a' + 'b'. RE2 semantics (re2js, a pure JavaScript port; see
 * docs/decisions/linear-regex.md) bound every match by the input's length. What RE2 cannot
 * express — backreferences and lookarounds — is refused with a reason instead of silently
 * changing meaning.
 */

/** What ajv needs from a regular expression (its `RegExpLike`). */
export interface LinearRegExp {
  test(input: string): boolean;
  toString(): string;
}

export class UnsupportedPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`pattern ${JSON.stringify(truncate(pattern))} cannot be used: ${reason}`);
    this.name = 'UnsupportedPatternError';
  }
}

const cache = new Map<string, LinearRegExp>();
const CACHE_LIMIT = 5000;

/**
 * Compiles an ECMA-262 pattern (the dialect JSON Schema uses) to a linear-time matcher with the
 * same `test` semantics (a match anywhere unless anchored). Throws UnsupportedPatternError.
 */
export function compileLinear(pattern: string): LinearRegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const problem = linearPatternProblem(pattern);
  if (problem) throw new UnsupportedPatternError(pattern, problem);
  const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  const compiled: LinearRegExp = {
    test: (input) => re.test(input),
    // ajv keys its per-schema cache of patterns by this text.
    toString: () => `/${pattern}/re2`,
  };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(pattern, compiled);
  return compiled;
}

/** Why `pattern` cannot be matched in linear time here, or null when it can. */
export function linearPatternProblem(pattern: string): string | null {
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    return `not a valid regular expression (ECMA-262, as JSON Schema requires): ${(err as Error).message}`;
  }
  const feature = nonRegularFeature(pattern);
  if (feature) {
    return `${feature} cannot be matched in linear time; patterns run on RE2, which has no backreferences or lookarounds — rewrite it without them (e.g. split the rule into several properties or an allOf of simpler patterns)`;
  }
  try {
    RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    return `RE2 cannot compile it: ${(err as Error).message}`;
  }
  return null;
}

/**
 * The first backreference or lookaround in an (ECMA-valid, `u`-mode) pattern, described.
 * NOTE: checked here rather than left to RE2's parser because re2js's syntax translation turns
 * `\k<name>` into the literal `k<name>`: compiling it would change the pattern's meaning.
 */
function nonRegularFeature(pattern: string): string | null {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === 'k') return 'a named backreference (\\k<…>)';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] === '?') {
      const head = pattern.slice(i, i + 4);
      if (head.startsWith('(?=')) return 'the lookahead (?=…)';
      if (head.startsWith('(?!')) return 'the negative lookahead (?!…)';
      if (head.startsWith('(?<=')) return 'the lookbehind (?<=…)';
      if (head.startsWith('(?<!')) return 'the negative lookbehind (?<!…)';
    }
  }
  return null;
}

/**
 * ajv's `code.regExp` option: every `pattern`, `patternProperties` and `propertyNames.pattern`
 * of a schema compiled by that ajv instance matches with RE2. ajv passes its `u` flag; RE2 is
 * always Unicode-aware. `code` names this function for ajv's standalone code generation (not
 * used here, but ajv requires it).
 */
export const linearRegExpEngine = Object.assign((pattern: string, _flags: string) => compileLinear(pattern), {
  code: 'require("@tributary/linear-regex").linearRegExpEngine',
});

/**
 * Every regular expression a JSON Schema document carries, with a JSON-pointer-like path:
 * `pattern` values and `patternProperties` keys, in any subschema. Values of `const`, `enum`,
 * `default` and `examples` are data, not schemas, and are not walked.
 */
export function schemaPatterns(schema: unknown): Array<{ path: string; pattern: string }> {
  const out: Array<{ path: string; pattern: string }> = [];
  // `nameMap`: the node maps names to subschemas (properties, $defs, …), so its keys are names,
  // never keywords: a property called "enum" or "pattern" is walked like any other.
  const walk = (node: unknown, path: string, nameMap: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}/${i}`, false));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const at = `${path}/${escapePointer(key)}`;
      if (!nameMap) {
        if (DATA_KEYWORDS.has(key)) continue;
        if (key === 'pattern' && typeof value === 'string') out.push({ path: at, pattern: value });
        if (key === 'patternProperties' && value !== null && typeof value === 'object') {
          for (const p of Object.keys(value)) out.push({ path: `${at}/${escapePointer(p)}`, pattern: p });
        }
      }
      walk(value, at, !nameMap && NAME_MAPS.has(key));
    }
  };
  walk(schema, '', false);
  return out;
}

const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
const DATA_KEYWORDS = new Set(['const', 'enum', 'default', 'examples']);

function escapePointer(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function truncate(s: string): string {
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}
