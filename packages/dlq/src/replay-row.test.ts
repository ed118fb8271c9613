import { describe, expect, it } from 'vitest';
import { REPLAY_STALE_MS, toView, type ReplayRow } from './replay-row.ts';

const t0 = new Date('2026-12-01T10:00:00.000Z');
const row = (over: Partial<ReplayRow>): ReplayRow => ({
  id: 'r1',
  actor: 'oncall',
  selection: { kind: 'ids', ids: ['a'] },
  schemaVersion: null,
  edited: false,
  editedPayload: null,
  piiMasked: false,
  rate: 100,
  state: 'running',
  runner: 'jobs-a',
  total: 10,
  processed: 0,
  sent: 0,
  failedAgain: 0,
  error: null,
  startedAt: t0,
  heartbeatAt: t0,
  finishedAt: null,
  ...over,
});

describe('the console’s view of a replay row', () => {
  it('shows a queued replay as running with nothing processed (the contract the console polls)', () => {
    const v = toView(row({ state: 'queued', runner: null }), t0.getTime() + 1000);
    expect(v).toMatchObject({ state: 'running', processed: 0, error: null, resumable: false });
  });

  it('says so when no jobs service picked a queued replay up, without calling it interrupted', () => {
    const v = toView(row({ state: 'queued', runner: null }), t0.getTime() + REPLAY_STALE_MS + 1);
    expect(v.state).toBe('running');
    expect(v.error).toMatch(/waiting for the jobs service/);
    expect(v.resumable).toBe(false);
  });

  it('calls a running replay whose lease lapsed interrupted, resumable unless it was an edit', () => {
    const late = t0.getTime() + REPLAY_STALE_MS + 1;
    expect(toView(row({}), late)).toMatchObject({ state: 'interrupted', resumable: true });
    expect(toView(row({ edited: true }), late)).toMatchObject({ state: 'interrupted', resumable: false });
    expect(toView(row({}), t0.getTime() + REPLAY_STALE_MS - 1)).toMatchObject({ state: 'running' });
  });

  it('keeps a failed replay resumable and a completed one not', () => {
    expect(toView(row({ state: 'failed', error: 'broker unreachable' }))).toMatchObject({
      state: 'failed',
      resumable: true,
      error: 'broker unreachable',
    });
    expect(toView(row({ state: 'completed', finishedAt: t0 }))).toMatchObject({
      state: 'completed',
      resumable: false,
    });
  });
});
