import type { LabelMatcher, Labels } from '@tributary/contracts';
import { compileLinear, linearPatternProblem, type LinearRegExp } from '@tributary/linear-regex';

/** A stable identity for a label set: the same labels in any order give the same key. */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

// Alertmanager anchors matchers: `=~ web|ios` means the whole value is web or ios.
const anchor = (pattern: string) => `^(?:${pattern})$`;

// Patterns come from stored config and repeat on every evaluation: compile each once (a pattern
// RE2 refuses is remembered as null, so it is not re-parsed on every alert either).
const compiled = new Map<string, LinearRegExp | null>();
function anchored(pattern: string): LinearRegExp | null {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = linearPatternProblem(anchor(pattern)) === null ? compileLinear(anchor(pattern)) : null;
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re;
}

/**
 * Why a matcher's pattern cannot be used here (RE2 has no backreferences or lookarounds, and
 * reads patterns in Unicode mode), or null. Config editors should refuse such a matcher.
 */
export function matcherPatternProblem(pattern: string): string | null {
  return linearPatternProblem(anchor(pattern));
}

/**
 * Whether one matcher holds; a missing label reads as '' (as in Alertmanager).
 *
 * Regexes run on RE2 (@tributary/linear-regex): patterns are stored config evaluated on every
 * alert, and a backtracking engine would let one pattern stall the jobs service.
 * NOTE: a pattern RE2 cannot run (one stored before this check existed) holds for neither `=~`
 * nor `!~`: a silence or route built on it then matches nothing, so alerts still go out rather
 * than being silenced by a matcher nobody can evaluate.
 */
export function matches(m: LabelMatcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchored(m.value)?.test(v) ?? false;
    case '!~': {
      const re = anchored(m.value);
      return re !== null && !re.test(v);
    }
  }
}

export function matchesAll(matchers: readonly LabelMatcher[], labels: Labels): boolean {
  return matchers.every((m) => matches(m, labels));
}
