// The outbox row is part of the change's transaction: committed with it, rolled back with it
// (real Postgres).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueControl } from './outbox.ts';
import { controlTestbed, type ControlTestbed } from './test-support.int.ts';

let bed: ControlTestbed;

beforeAll(async () => {
  bed = await controlTestbed();
});

afterAll(async () => {
  await bed?.cleanup();
});

const rowsOf = (name: string) =>
  bed.db.controlOutbox.findMany({ where: { name }, select: { kind: true, name: true, publishedAt: true } });

describe('enqueueControl', () => {
  it('commits the hint with the change', async () => {
    await bed.db.$transaction(async (tx) => {
      await tx.source.create({ data: { name: 'committed_source' } });
      await enqueueControl(tx, [
        { kind: 'source', name: 'committed_source' },
        // Repeats in one call are one row: the follower re-reads the latest state anyway.
        { kind: 'source', name: 'committed_source' },
        { kind: 'write_keys', name: 'committed_source' },
      ]);
    });
    expect(await bed.db.source.count({ where: { name: 'committed_source' } })).toBe(1);
    expect(await rowsOf('committed_source')).toEqual([
      { kind: 'source', name: 'committed_source', publishedAt: null },
      { kind: 'write_keys', name: 'committed_source', publishedAt: null },
    ]);
  });

  it('leaves no hint when the change rolls back', async () => {
    await expect(
      bed.db.$transaction(async (tx) => {
        await tx.source.create({ data: { name: 'rolled_back_source' } });
        await enqueueControl(tx, [{ kind: 'source', name: 'rolled_back_source' }]);
        throw new Error('refused after the hint was written');
      }),
    ).rejects.toThrow('refused after the hint was written');
    expect(await bed.db.source.count({ where: { name: 'rolled_back_source' } })).toBe(0);
    expect(await rowsOf('rolled_back_source')).toEqual([]);
  });
});
