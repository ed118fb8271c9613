import { describe, expect, it } from 'vitest';
import { lockedFieldProblem } from './locked-fields.ts';

const stored = JSON.stringify({ event_id: 'e1', event_type: 'purchase', data: { a: 1 }, user_id: 'u1' });
const edit = (v: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(stored), ...v });

describe('the editor warns about edits the server refuses', () => {
  it('accepts changes to data, metadata, timestamp and user_id, and reformatting', () => {
    expect(
      lockedFieldProblem(stored, edit({ data: { a: 2 }, metadata: { b: 1 }, user_id: null })),
    ).toBeNull();
    expect(lockedFieldProblem(stored, JSON.stringify(JSON.parse(stored), null, 2))).toBeNull();
  });

  it('names event_type, event_id, source or any other changed field', () => {
    expect(lockedFieldProblem(stored, edit({ event_type: 'refund' }))).toMatch(/'event_type'/);
    expect(lockedFieldProblem(stored, edit({ event_id: 'e2' }))).toMatch(/'event_id'/);
    expect(lockedFieldProblem(stored, edit({ source: 'other' }))).toMatch(/'source'/);
    expect(lockedFieldProblem(stored, edit({ extra: 1 }))).toMatch(/'extra'/);
  });
});
