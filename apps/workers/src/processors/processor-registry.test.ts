import { describe, expect, it } from 'vitest';
import { processorDefinitionSchema, type ProcessorDefinitionInput } from '@tributary/contracts';
import type { ActiveSet } from '@tributary/processors';
import { createLogger } from '@tributary/telemetry';
import { createProcessorRegistry, type ProcessorSwitch } from './processor-registry.ts';

const definition = (expression: string) =>
  processorDefinitionSchema.parse({
    inputs: { eventTypes: ['t'] },
    steps: [{ id: 'f', kind: 'filter', expression }],
    output: { kind: 'events' },
  } satisfies ProcessorDefinitionInput);

function registryOver(sets: ActiveSet[]) {
  let i = 0;
  const switches: ProcessorSwitch[][] = [];
  const failures: string[] = [];
  const registry = createProcessorRegistry({
    load: async () => sets[Math.min(i++, sets.length - 1)]!,
    loadVersion: async () => null,
    logger: createLogger('test', 'silent'),
    onSwitch: (s) => switches.push(s),
    onCompileFailure: (f) => failures.push(`${f.name}@${f.version}`),
  });
  return { registry, switches, failures };
}
const set = (...ps: Array<[string, number, string]>): ActiveSet => ({
  processors: ps.map(([name, version, expr]) => ({ name, version, definition: definition(expr) })),
  lookupTables: new Map(),
  piiFields: new Map(),
  problems: [],
});

describe('processor registry', () => {
  it('swaps the whole set; a batch holding the old set keeps it', async () => {
    const { registry, switches } = registryOver([set(['a', 1, 'true']), set(['a', 2, 'false'])]);
    await registry.reload('start');
    const held = registry.current();
    await registry.reload('hint');
    expect(held.processors.map((p) => p.version)).toEqual([1]);
    expect(registry.current().processors.map((p) => p.version)).toEqual([2]);
    expect(switches).toEqual([[{ name: 'a', from: null, to: 1 }], [{ name: 'a', from: 1, to: 2 }]]);
  });

  it('keeps the compiled instance when nothing changed', async () => {
    const { registry, switches } = registryOver([set(['a', 1, 'true'])]);
    await registry.reload('start');
    const first = registry.current().processors[0];
    await registry.reload('again');
    expect(registry.current().processors[0]).toBe(first);
    expect(switches).toHaveLength(1);
  });

  it('keeps running the previous version when the new one does not compile, and reports it once', async () => {
    const { registry, failures } = registryOver([set(['a', 1, 'true']), set(['a', 2, 'data.x +'])]);
    await registry.reload('start');
    await registry.reload('hint');
    await registry.reload('again');
    expect(registry.current().processors.map((p) => p.version)).toEqual([1]);
    expect(failures).toEqual(['a@2']);
    expect(registry.failures().get('a')?.version).toBe(2);
  });

  it('drops a paused processor', async () => {
    const { registry, switches } = registryOver([set(['a', 1, 'true']), set()]);
    await registry.reload('start');
    await registry.reload('hint');
    expect(registry.current().processors).toEqual([]);
    expect(switches[1]).toEqual([{ name: 'a', from: 1, to: null }]);
  });
});
