import { describe, expect, it } from 'vitest';
import type { ProcessorDefinitionInput } from '@tributary/contracts';
import { compileProcessor } from './compile-processor.ts';
import { parseLookupCsv } from './lookup-csv.ts';
import type { CompileContext } from './types.ts';

const countByCountry = {
  id: 'by_country',
  kind: 'aggregate' as const,
  window: { type: 'tumbling' as const, sizeSeconds: 60 },
  graceSeconds: 30,
  groupBy: [{ name: 'country', field: 'derived.geo.country' }],
  measures: [{ name: 'events', fn: 'count' as const }],
};

function def(steps: unknown[], output: unknown = { kind: 'events' }): unknown {
  return { inputs: {}, steps, output };
}

function errorsOf(definition: unknown, ctx: CompileContext = {}) {
  const r = compileProcessor(definition, ctx);
  if (r.ok) throw new Error('expected a refusal');
  return r.errors;
}

describe('compileProcessor accepts', () => {
  it('the acceptance chain: filter + UA + geo + pii hash + 1-minute tumbling count by country', () => {
    const d: ProcessorDefinitionInput = {
      inputs: { eventTypes: ['signup'] },
      steps: [
        { id: 'only_pro', kind: 'filter', expression: 'data.plan == "pro"' },
        { id: 'ua', kind: 'enrich_ua' },
        { id: 'geo', kind: 'enrich_geo' },
        { id: 'pii', kind: 'pii_hash', fields: ['user_id'] },
        countByCountry,
      ],
      output: { kind: 'aggregate', table: 'signups_by_country' },
    };
    const r = compileProcessor(d, {
      piiSecret: 's',
      // As the registry gives them: data paths only (metadata is then not checked).
      knownFields: new Set(['data', 'data.plan']),
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.processor.definition.steps[1]).toMatchObject({ from: 'metadata.user_agent', to: 'derived.ua' });
    expect(r.processor.accepts({ event_type: 'signup', source: 'web' })).toBe(true);
    expect(r.processor.accepts({ event_type: 'login', source: 'web' })).toBe(false);
  });
});

describe('compileProcessor refuses, with the path at fault', () => {
  it('an empty step list', () => {
    expect(errorsOf(def([]))).toEqual([{ path: 'steps', message: 'a processor needs at least one step' }]);
  });

  it('a window without grace, clearly', () => {
    const { graceSeconds: _, ...noGrace } = countByCountry;
    expect(errorsOf(def([noGrace], { kind: 'aggregate', table: 't' }))).toEqual([
      {
        path: 'steps[0].graceSeconds',
        message: expect.stringContaining('a window needs an explicit grace period'),
      },
    ]);
  });

  it('schema errors and unknown step kinds', () => {
    expect(errorsOf(def([{ id: 'Bad Id', kind: 'filter', expression: 'true' }]))).toEqual([
      { path: 'steps[0].id', message: 'lowercase letters, digits and _, starting with a letter' },
    ]);
    expect(errorsOf(def([{ id: 'x', kind: 'script' }]))).toEqual([
      { path: 'steps[0].kind', message: expect.stringContaining('unknown step kind') },
    ]);
  });

  it('an invalid expression, with its position', () => {
    expect(errorsOf(def([{ id: 'f', kind: 'filter', expression: 'data.plan == ' }]))).toEqual([
      { path: 'steps[0].expression', message: 'invalid expression at position 13: Unexpected token: EOF' },
    ]);
    expect(errorsOf(def([{ id: 'f', kind: 'filter', expression: 'size(data.plan)' }]))).toEqual([
      { path: 'steps[0].expression', message: 'a filter must give true or false; this expression gives int' },
    ]);
    expect(
      errorsOf(
        def([{ id: 't', kind: 'transform', ops: [{ op: 'set', field: 'derived.x', expression: '1 +' }] }]),
      )[0],
    ).toMatchObject({
      path: 'steps[0].ops[0].expression',
    });
  });

  it('an unknown field, but not one an earlier step wrote', () => {
    const known = new Set(['data.plan']);
    expect(
      errorsOf(def([{ id: 'f', kind: 'filter', expression: 'data.plna == "pro"' }]), { knownFields: known }),
    ).toEqual([
      {
        path: 'steps[0].expression',
        message:
          'unknown field data.plna: not in the schemas of the input event types, and no earlier step writes it',
      },
    ]);
    expect(errorsOf(def([{ id: 'f', kind: 'filter', expression: 'derived.ua.is_bot' }]))).toEqual([
      { path: 'steps[0].expression', message: 'unknown field derived.ua.is_bot: no earlier step writes it' },
    ]);
    // metadata is free-form unless the known fields list some of it.
    const geo = def([{ id: 'geo', kind: 'enrich_geo' }]);
    expect(compileProcessor(geo, { knownFields: known }).ok).toBe(true);
    expect(errorsOf(geo, { knownFields: new Set(['data.plan', 'metadata.user_agent']) })).toEqual([
      { path: 'steps[0].from', message: expect.stringContaining('unknown field metadata.ip') },
    ]);
    const ok = compileProcessor(
      def([
        { id: 't', kind: 'transform', ops: [{ op: 'set', field: 'data.tier', expression: '1' }] },
        { id: 'f', kind: 'filter', expression: 'data.tier == 1 && data.plan == "x"' },
      ]),
      { knownFields: known },
    );
    expect(ok.ok).toBe(true);
  });

  it('a cyclic step list: a read of what only a later step writes, and renames in a cycle', () => {
    expect(
      errorsOf(
        def([
          { id: 'f', kind: 'filter', expression: '!derived.ua.is_bot' },
          { id: 'ua', kind: 'enrich_ua' },
        ]),
      ),
    ).toEqual([
      {
        path: 'steps[0].expression',
        message:
          'cyclic step list: reads derived.ua.is_bot, which only a later step writes (steps[1]); move that step first',
      },
    ]);
    const errors = errorsOf(
      def([
        { id: 'a', kind: 'transform', ops: [{ op: 'rename', from: 'data.a', to: 'data.b' }] },
        { id: 'b', kind: 'transform', ops: [{ op: 'rename', from: 'data.b', to: 'data.a' }] },
      ]),
    );
    expect(errors).toContainEqual({
      path: 'steps[1].ops[0]',
      message: 'cyclic renames: data.a → data.b → data.a (steps[0].ops[0], steps[1].ops[0])',
    });
  });

  it('duplicate step ids', () => {
    expect(
      errorsOf(
        def([
          { id: 'f', kind: 'filter', expression: 'true' },
          { id: 'f', kind: 'filter', expression: 'true' },
        ]),
      ),
    ).toEqual([{ path: 'steps[1].id', message: 'step id f is used by steps[0] too' }]);
  });

  it('misplaced aggregates and mismatched outputs', () => {
    const f = { id: 'f', kind: 'filter', expression: 'true' };
    const geo = { id: 'geo', kind: 'enrich_geo' };
    expect(errorsOf(def([geo, countByCountry, f], { kind: 'aggregate', table: 't' }))).toContainEqual({
      path: 'steps[1]',
      message: 'the aggregate step must be the last step',
    });
    expect(errorsOf(def([geo, countByCountry]))).toContainEqual({
      path: 'output.kind',
      message: 'a processor with an aggregate step writes to an output of kind aggregate, not events',
    });
    expect(errorsOf(def([f], { kind: 'aggregate', table: 't' }))).toEqual([
      { path: 'output.kind', message: 'an output of kind aggregate needs an aggregate step (the last step)' },
    ]);
  });

  it('measures without a field, bad hopping windows and clashing column names', () => {
    const agg = (over: object) =>
      def([{ ...countByCountry, groupBy: [], ...over }], { kind: 'aggregate', table: 't' });
    expect(errorsOf(agg({ measures: [{ name: 'total', fn: 'sum' }] }))).toEqual([
      { path: 'steps[0].measures[0].field', message: 'sum needs a field to measure' },
    ]);
    expect(errorsOf(agg({ measures: [{ name: 'p', fn: 'quantiles', field: 'data.amount' }] }))).toEqual([
      { path: 'steps[0].measures[0].levels', message: 'quantiles needs levels, e.g. [0.5, 0.9, 0.99]' },
    ]);
    expect(errorsOf(agg({ window: { type: 'hopping', sizeSeconds: 60, hopSeconds: 120 } }))).toEqual([
      { path: 'steps[0].window.hopSeconds', message: 'the hop (120 s) is longer than the window (60 s)' },
    ]);
    expect(errorsOf(agg({ window: { type: 'hopping', sizeSeconds: 60, hopSeconds: 25 } }))).toEqual([
      {
        path: 'steps[0].window.sizeSeconds',
        message: 'the window size (60 s) must be a multiple of the hop (25 s)',
      },
    ]);
    expect(
      errorsOf(
        agg({ groupBy: [{ name: 'n', field: 'event_type' }], measures: [{ name: 'n', fn: 'count' }] }),
      ),
    ).toEqual([
      {
        path: 'steps[0].measures[0].name',
        message: 'the column name n is used by steps[0].groupBy[0].name too',
      },
    ]);
  });

  it('unknown lookup tables and a key column the table lacks', () => {
    const step = { id: 'l', kind: 'enrich_lookup', table: 'plans', key: 'data.plan', to: 'derived.plan' };
    expect(errorsOf(def([step]))).toEqual([
      { path: 'steps[0].table', message: 'unknown lookup table plans (no lookup tables are uploaded)' },
    ]);
    const parsed = parseLookupCsv('plans', 2, 'code,tier\npro,1\n', 'code');
    if (!parsed.ok) throw new Error('csv');
    expect(compileProcessor(def([step]), { lookupTables: new Map([['plans', parsed.table]]) }).ok).toBe(true);
    const broken = new Map([['plans', { ...parsed.table, keyColumn: 'sku' }]]);
    expect(errorsOf(def([step]), { lookupTables: broken })).toEqual([
      {
        path: 'steps[0].table',
        message: 'lookup table plans version 2 has no key column sku (columns: code, tier)',
      },
    ]);
  });

  it('pii_hash without a secret, and fields that cannot be hashed', () => {
    expect(errorsOf(def([{ id: 'p', kind: 'pii_hash', fields: ['event_id'] }]))).toEqual([
      { path: 'steps[0]', message: 'pii_hash needs the deployment secret PII_HASH_SECRET, which is not set' },
      {
        path: 'steps[0].fields[0]',
        message: 'event_id cannot be hashed: only user_id and fields under data., metadata., derived. can',
      },
    ]);
  });

  it('prototype segments in paths', () => {
    expect(
      errorsOf(
        def([
          { id: 't', kind: 'transform', ops: [{ op: 'set', field: 'data.constructor', expression: '1' }] },
        ]),
      ),
    ).toContainEqual({
      path: 'steps[0].ops[0].field',
      message: 'data.constructor: the segment constructor is not allowed in a field path',
    });
  });

  it('output table columns reading unknown fields', () => {
    const out = {
      kind: 'table',
      table: 't',
      columns: [{ name: 'b', field: 'derived.ua.browser', type: 'String' }],
    };
    expect(errorsOf(def([{ id: 'f', kind: 'filter', expression: 'true' }], out))).toEqual([
      {
        path: 'output.columns[0].field',
        message: 'unknown field derived.ua.browser: no earlier step writes it',
      },
    ]);
  });
});
