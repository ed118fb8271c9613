import { z } from 'zod';
import type { ErrorLike } from '../../lib/error-text.ts';

/**
 * A refused version comes back as BAD_REQUEST with the list of problems, each with the path in
 * the definition it concerns (`steps.2.expression`, `output.table`). The editor shows each one
 * beside the step or section it names.
 */
export const definitionProblemSchema = z.object({ path: z.string(), message: z.string() });
export type DefinitionProblem = z.infer<typeof definitionProblemSchema>;

const problemsSchema = z.array(definitionProblemSchema);
const withErrorsSchema = z.object({ errors: problemsSchema });

/** The problems in a refusal, wherever the server put them; null when it is not a refusal of that kind. */
export function refusalProblems(err: ErrorLike | null | undefined): DefinitionProblem[] | null {
  if (!err) return null;
  const data = err.data as Record<string, unknown> | null | undefined;
  for (const candidate of [data?.errors, data?.problems, data]) {
    const list = problemsSchema.safeParse(candidate);
    if (list.success && list.data.length > 0) return list.data;
    const nested = withErrorsSchema.safeParse(candidate);
    if (nested.success && nested.data.errors.length > 0) return nested.data.errors;
  }
  const details = typeof data?.details === 'string' ? data.details : null;
  if (details) {
    const parsed = parseJson(details);
    const list = problemsSchema.safeParse(parsed);
    if (list.success && list.data.length > 0) return list.data;
    const nested = withErrorsSchema.safeParse(parsed);
    if (nested.success && nested.data.errors.length > 0) return nested.data.errors;
  }
  return problemsInMessage(err.message);
}

/**
 * The refusal's own words name the first problems as `path: message; path: message` after a
 * count ("… has 2 problems: steps[1].expression: …"); read them when nothing structured came.
 */
export function problemsInMessage(message: string): DefinitionProblem[] | null {
  const start = message.search(/\d+ problems?: /);
  if (start < 0) return null;
  const body = message.slice(message.indexOf(': ', start) + 2).replace(/ \(and \d+ more\)$/, '');
  const problems: DefinitionProblem[] = [];
  for (const part of body.split('; ')) {
    const match = /^([A-Za-z_][\w.[\]]*): (.+)$/.exec(part);
    if (match?.[1] && match[2]) problems.push({ path: match[1], message: match[2] });
  }
  return problems.length > 0 ? problems : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Problems grouped by where the editor shows them: a step index, or a section. */
export interface PlacedProblems {
  steps: Map<number, DefinitionProblem[]>;
  inputs: DefinitionProblem[];
  output: DefinitionProblem[];
  other: DefinitionProblem[];
}

/** `steps.2.expression`, `steps[2].expression` and `/steps/2/expression` all name step 2. */
export function placeProblems(problems: readonly DefinitionProblem[]): PlacedProblems {
  const placed: PlacedProblems = { steps: new Map(), inputs: [], output: [], other: [] };
  for (const p of problems) {
    const parts = p.path.split(/[./[\]]+/).filter((s) => s !== '');
    if (parts[0] === 'definition') parts.shift();
    const head = parts[0];
    const index = Number(parts[1]);
    if (head === 'steps' && Number.isInteger(index) && parts[1] !== undefined) {
      const list = placed.steps.get(index) ?? [];
      list.push(p);
      placed.steps.set(index, list);
    } else if (head === 'inputs') placed.inputs.push(p);
    else if (head === 'output') placed.output.push(p);
    else placed.other.push(p);
  }
  return placed;
}
