import { processorDefinitionSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  addStep,
  emptyDefinition,
  freshStepId,
  moveStep,
  newStep,
  removeStep,
  stepKinds,
} from './definition-draft.ts';
import { placeProblems, refusalProblems } from './refusal.ts';
import { versionsRunning } from './worker-versions.ts';

describe('definition draft', () => {
  it('makes every step kind structurally valid as it is added', () => {
    let def = emptyDefinition();
    for (const kind of stepKinds) def = addStep(def, kind, 'signups');
    const parsed = processorDefinitionSchema.safeParse(def);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    expect(new Set(def.steps.map((s) => s.id)).size).toBe(def.steps.length);
  });

  it('keeps the aggregate step last and points the output at an aggregate table', () => {
    let def = addStep(emptyDefinition(), 'aggregate', 'Sign-ups');
    def = addStep(def, 'enrich_geo', 'Sign-ups');
    expect(def.steps.map((s) => s.kind)).toEqual(['filter', 'enrich_geo', 'aggregate']);
    expect(def.output).toEqual({ kind: 'aggregate', table: 'sign_ups_agg' });
  });

  it('names a second step of a kind apart from the first', () => {
    const first = newStep('filter', []);
    expect(freshStepId([first], 'filter')).toBe('filter_2');
  });

  it('moves and removes steps, ignoring moves past either end', () => {
    const def = addStep(addStep(emptyDefinition(), 'enrich_ua', 'p'), 'pii_hash', 'p');
    expect(moveStep(def, 0, -1)).toBe(def);
    expect(moveStep(def, 2, 1)).toBe(def);
    expect(moveStep(def, 0, 1).steps.map((s) => s.kind)).toEqual(['enrich_ua', 'filter', 'pii_hash']);
    expect(removeStep(def, 1).steps.map((s) => s.kind)).toEqual(['filter', 'pii_hash']);
  });
});

describe('refused versions', () => {
  const problems = [
    { path: 'steps.1.expression', message: 'unknown field data.nope' },
    { path: 'definition/steps/0/id', message: 'duplicate id' },
    { path: 'output.table', message: 'taken' },
    { path: 'inputs.eventTypes', message: 'no such subject' },
    { path: '', message: 'cycle' },
  ];

  it('reads the problems from the error data or from its details text', () => {
    expect(refusalProblems({ message: 'refused', data: { errors: problems } } as never)).toEqual(problems);
    expect(
      refusalProblems({ message: 'refused', data: { details: JSON.stringify({ errors: problems }) } }),
    ).toEqual(problems);
    expect(refusalProblems({ message: 'boom', data: { details: 'stack text' } })).toBeNull();
    expect(
      refusalProblems({
        message:
          'the processor definition has 5 problems: steps[1].expression: unknown field data.x; output.table: taken (and 3 more)',
      }),
    ).toEqual([
      { path: 'steps[1].expression', message: 'unknown field data.x' },
      { path: 'output.table', message: 'taken' },
    ]);
    expect(refusalProblems(null)).toBeNull();
  });

  it('places each problem beside the step or section its path names', () => {
    const placed = placeProblems(problems);
    expect(placed.steps.get(1)?.[0]?.message).toBe('unknown field data.nope');
    expect(placed.steps.get(0)?.[0]?.message).toBe('duplicate id');
    expect(placed.output).toHaveLength(1);
    expect(placed.inputs).toHaveLength(1);
    expect(placed.other).toHaveLength(1);
  });
});

describe('versions running', () => {
  it('counts the workers per running version of one processor, newest first', () => {
    const workers = [
      { instance: 'a', processors: { p: { version: 1 }, q: { version: 4 } } },
      { instance: 'b', processors: { p: { version: 2 } } },
      { instance: 'c', processors: { p: { version: 2 } } },
      { instance: 'd', processors: {} },
    ];
    expect(versionsRunning(workers, 'p')).toEqual([
      { version: 2, workers: 2 },
      { version: 1, workers: 1 },
    ]);
    expect(versionsRunning(workers, 'none')).toEqual([]);
  });
});
