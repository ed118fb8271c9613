import { processorDefinitionSchema, type ProcessorDefinition, type Step } from '@tributary/contracts';
import { zodErrors } from './definition-errors.ts';
import { compileExpression, type CompiledExpression } from './expressions.ts';
import { checkFieldFlow, checkRenameCycles, outputReads, type FlowItem, type Rename } from './field-flow.ts';
import { forbiddenSegment } from './field-paths.ts';
import { createRunBatch } from './run-batch.ts';
import { aggregateStep } from './steps/aggregate.ts';
import { dedupeStep } from './steps/dedupe.ts';
import { enrichGeoStep } from './steps/enrich-geo.ts';
import { enrichLookupStep } from './steps/enrich-lookup.ts';
import { enrichUaStep } from './steps/enrich-ua.ts';
import { filterStep } from './steps/filter.ts';
import { isHashablePath, piiHashStep } from './steps/pii-hash.ts';
import type { CompiledStep } from './steps/step.ts';
import { transformStep } from './steps/transform.ts';
import type { CompileContext, CompiledProcessor, DefinitionError } from './types.ts';

export type CompileResult =
  | { ok: true; processor: CompiledProcessor }
  | { ok: false; errors: DefinitionError[] };

/**
 * Validates a processor definition (schema, then meaning) and compiles it: expressions parsed
 * once, lookup tables and the pii secret bound. Every problem found is listed, each with the
 * path of the part of the definition at fault; nothing is compiled unless there are none.
 */
export function compileProcessor(definition: unknown, ctx: CompileContext): CompileResult {
  const parsed = processorDefinitionSchema.safeParse(definition);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const def = parsed.data;
  const errors: DefinitionError[] = [];
  const expressions = new Map<string, CompiledExpression>();
  const flow: FlowItem[] = [];
  const renames: Rename[] = [];

  const expr = (source: string, path: string, purpose?: 'filter' | 'key'): CompiledExpression | undefined => {
    const c = compileExpression(source);
    if (!c.ok) {
      const at = c.position === undefined ? '' : ` at position ${c.position}`;
      errors.push({ path, message: `invalid expression${at}: ${c.message}` });
      return undefined;
    }
    if (purpose === 'filter' && c.type !== 'bool' && c.type !== 'dyn') {
      errors.push({ path, message: `a filter must give true or false; this expression gives ${c.type}` });
    }
    if (purpose === 'key' && (c.type.startsWith('map') || c.type.startsWith('list'))) {
      errors.push({
        path,
        message: `a dedupe key must be a string, number or boolean; this expression gives ${c.type}`,
      });
    }
    expressions.set(path, c.expression);
    return c.expression;
  };
  const readsOf = (e: CompiledExpression | undefined, path: string) =>
    e ? e.reads.map((field) => ({ field, path })) : [];
  const checkPath = (field: string, path: string) => {
    const bad = forbiddenSegment(field);
    if (bad !== undefined)
      errors.push({ path, message: `${field}: the segment ${bad} is not allowed in a field path` });
  };

  checkStepList(def, errors);

  def.steps.forEach((step, i) => {
    const p = `steps[${i}]`;
    switch (step.kind) {
      case 'filter': {
        const e = expr(step.expression, `${p}.expression`, 'filter');
        flow.push({ path: p, reads: readsOf(e, `${p}.expression`), writes: [] });
        break;
      }
      case 'transform':
        step.ops.forEach((op, j) => {
          const q = `${p}.ops[${j}]`;
          switch (op.op) {
            case 'set':
            case 'default': {
              checkPath(op.field, `${q}.field`);
              const e = expr(op.expression, `${q}.expression`);
              const reads = readsOf(e, `${q}.expression`);
              flow.push({ path: q, reads, writes: [op.field] });
              break;
            }
            case 'rename':
              checkPath(op.from, `${q}.from`);
              checkPath(op.to, `${q}.to`);
              if (op.from === op.to) errors.push({ path: q, message: `rename ${op.from} to itself` });
              renames.push({ from: op.from, to: op.to, path: q });
              flow.push({ path: q, reads: [{ field: op.from, path: `${q}.from` }], writes: [op.to] });
              break;
            case 'remove':
              checkPath(op.field, `${q}.field`);
              flow.push({ path: q, reads: [], writes: [] });
              break;
            case 'cast':
              checkPath(op.field, `${q}.field`);
              flow.push({ path: q, reads: [{ field: op.field, path: `${q}.field` }], writes: [op.field] });
              break;
          }
        });
        break;
      case 'enrich_ua':
      case 'enrich_geo':
        checkPath(step.from, `${p}.from`);
        checkPath(step.to, `${p}.to`);
        flow.push({ path: p, reads: [{ field: step.from, path: `${p}.from` }], writes: [step.to] });
        break;
      case 'enrich_lookup': {
        checkPath(step.key, `${p}.key`);
        checkPath(step.to, `${p}.to`);
        const table = ctx.lookupTables?.get(step.table);
        if (!table) {
          const known = [...(ctx.lookupTables?.keys() ?? [])];
          errors.push({
            path: `${p}.table`,
            message: `unknown lookup table ${step.table}${known.length > 0 ? ` (known: ${known.join(', ')})` : ' (no lookup tables are uploaded)'}`,
          });
        } else if (table.name !== step.table || !table.columns.includes(table.keyColumn)) {
          errors.push({
            path: `${p}.table`,
            message: `lookup table ${step.table} version ${table.version} has no key column ${table.keyColumn} (columns: ${table.columns.join(', ')})`,
          });
        }
        flow.push({ path: p, reads: [{ field: step.key, path: `${p}.key` }], writes: [step.to] });
        break;
      }
      case 'pii_hash':
        if (!ctx.piiSecret) {
          errors.push({
            path: p,
            message: 'pii_hash needs the deployment secret PII_HASH_SECRET, which is not set',
          });
        }
        step.fields.forEach((f, j) => {
          if (!isHashablePath(f)) {
            errors.push({
              path: `${p}.fields[${j}]`,
              message: `${f} cannot be hashed: only user_id and fields under data., metadata., derived. can`,
            });
          }
        });
        // Hashing an absent field does nothing, so the listed fields are not required to exist.
        flow.push({ path: p, reads: [], writes: [] });
        break;
      case 'dedupe': {
        const e = expr(step.key, `${p}.key`, 'key');
        flow.push({ path: p, reads: readsOf(e, `${p}.key`), writes: [] });
        break;
      }
      case 'aggregate':
        checkAggregate(step, p, errors);
        flow.push({
          path: p,
          reads: [
            ...step.groupBy.map((g, j) => ({ field: g.field, path: `${p}.groupBy[${j}].field` })),
            ...step.measures.flatMap((m, j) =>
              m.field ? [{ field: m.field, path: `${p}.measures[${j}].field` }] : [],
            ),
          ],
          writes: [],
        });
        break;
    }
  });
  const tail = outputReads(def);
  if (tail) flow.push(tail);
  errors.push(...checkRenameCycles(renames), ...checkFieldFlow(flow, ctx.knownFields));
  if (errors.length > 0) return { ok: false, errors };

  const steps = def.steps.map((step, i) => buildStep(step, `steps[${i}]`, expressions, ctx));
  return {
    ok: true,
    processor: { definition: def, runBatch: createRunBatch(steps), accepts: acceptsOf(def) },
  };
}

function checkStepList(def: ProcessorDefinition, errors: DefinitionError[]): void {
  const firstAt = new Map<string, number>();
  def.steps.forEach((s, i) => {
    const earlier = firstAt.get(s.id);
    if (earlier !== undefined)
      errors.push({ path: `steps[${i}].id`, message: `step id ${s.id} is used by steps[${earlier}] too` });
    else firstAt.set(s.id, i);
  });
  const aggregateAt = def.steps.findIndex((s) => s.kind === 'aggregate');
  def.steps.forEach((s, i) => {
    if (s.kind === 'aggregate' && i !== def.steps.length - 1) {
      errors.push({ path: `steps[${i}]`, message: 'the aggregate step must be the last step' });
    }
  });
  if (aggregateAt >= 0 && def.output.kind !== 'aggregate') {
    errors.push({
      path: 'output.kind',
      message: `a processor with an aggregate step writes to an output of kind aggregate, not ${def.output.kind}`,
    });
  }
  if (aggregateAt < 0 && def.output.kind === 'aggregate') {
    errors.push({
      path: 'output.kind',
      message: 'an output of kind aggregate needs an aggregate step (the last step)',
    });
  }
}

function checkAggregate(
  step: Extract<Step, { kind: 'aggregate' }>,
  p: string,
  errors: DefinitionError[],
): void {
  const w = step.window;
  if (w.type === 'hopping') {
    if (w.hopSeconds > w.sizeSeconds) {
      errors.push({
        path: `${p}.window.hopSeconds`,
        message: `the hop (${w.hopSeconds} s) is longer than the window (${w.sizeSeconds} s)`,
      });
    } else if (w.sizeSeconds % w.hopSeconds !== 0) {
      errors.push({
        path: `${p}.window.sizeSeconds`,
        message: `the window size (${w.sizeSeconds} s) must be a multiple of the hop (${w.hopSeconds} s)`,
      });
    }
  }
  // Group and measure names become columns of the output table.
  const names = new Map<string, string>();
  const claim = (name: string, path: string) => {
    const other = names.get(name);
    if (other) errors.push({ path, message: `the column name ${name} is used by ${other} too` });
    else names.set(name, path);
  };
  step.groupBy.forEach((g, j) => claim(g.name, `${p}.groupBy[${j}].name`));
  step.measures.forEach((m, j) => {
    const q = `${p}.measures[${j}]`;
    claim(m.name, `${q}.name`);
    if (m.fn !== 'count' && m.field === undefined)
      errors.push({ path: `${q}.field`, message: `${m.fn} needs a field to measure` });
    if (m.fn === 'quantiles' && m.levels === undefined) {
      errors.push({ path: `${q}.levels`, message: 'quantiles needs levels, e.g. [0.5, 0.9, 0.99]' });
    }
    if (m.fn !== 'quantiles' && m.levels !== undefined)
      errors.push({ path: `${q}.levels`, message: `levels apply to quantiles only, not ${m.fn}` });
  });
}

function buildStep(
  step: Step,
  p: string,
  expressions: ReadonlyMap<string, CompiledExpression>,
  ctx: CompileContext,
): CompiledStep {
  switch (step.kind) {
    case 'filter':
      return filterStep(step, expressions.get(`${p}.expression`)!);
    case 'transform': {
      const byOp = new Map<number, CompiledExpression>();
      step.ops.forEach((_, j) => {
        const e = expressions.get(`${p}.ops[${j}].expression`);
        if (e) byOp.set(j, e);
      });
      return transformStep(step, byOp);
    }
    case 'enrich_ua':
      return enrichUaStep(step);
    case 'enrich_geo':
      return enrichGeoStep(step);
    case 'enrich_lookup':
      return enrichLookupStep(step, ctx.lookupTables!.get(step.table)!);
    case 'pii_hash':
      return piiHashStep(step, ctx.piiSecret!, ctx.piiFields);
    case 'dedupe':
      return dedupeStep(step, expressions.get(`${p}.key`)!);
    case 'aggregate':
      return aggregateStep(step);
  }
}

function acceptsOf(def: ProcessorDefinition): CompiledProcessor['accepts'] {
  const types = new Set(def.inputs.eventTypes);
  const sources = new Set(def.inputs.sources);
  return (e) =>
    (types.size === 0 || types.has(e.event_type)) && (sources.size === 0 || sources.has(e.source));
}
