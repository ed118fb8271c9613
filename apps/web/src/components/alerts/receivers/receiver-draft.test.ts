import { describe, expect, it } from 'vitest';
import { buildReceiver, emptyReceiverForm, formFromReceiver, outcomeText } from './receiver-draft.ts';

describe('buildReceiver', () => {
  it('builds a webhook with headers from Name: value lines and gives it back as a form', () => {
    const form = {
      ...emptyReceiverForm(),
      name: 'pager',
      url: 'https://hooks.example.test/x',
      format: 'slack' as const,
      headers: 'Authorization: Bearer a:b\n\nX-Team: data',
    };
    const { receiver, problems } = buildReceiver(form);
    expect(problems).toEqual([]);
    expect(receiver).toEqual({
      kind: 'webhook',
      name: 'pager',
      url: 'https://hooks.example.test/x',
      format: 'slack',
      headers: { Authorization: 'Bearer a:b', 'X-Team': 'data' },
    });
    expect(buildReceiver(formFromReceiver(receiver as never)).receiver).toEqual(receiver);
  });

  it('names the problems by field', () => {
    const web = buildReceiver({ ...emptyReceiverForm(), name: 'Bad', url: 'ftp://x', headers: 'no colon' });
    expect(web.problems.map((p) => p.path).sort()).toEqual(['headers', 'name', 'url']);
    const mail = buildReceiver({
      ...emptyReceiverForm(),
      kind: 'email',
      name: 'mail',
      to: 'a@example.test, nope',
    });
    expect(mail.problems).toEqual([{ path: 'to.1', message: 'an address like oncall@example.com' }]);
  });
});

describe('outcomeText', () => {
  it('words each outcome', () => {
    expect(outcomeText({ kind: 'ok', detail: 'HTTP 204' })).toEqual({
      ok: true,
      text: 'Delivered: HTTP 204',
    });
    expect(outcomeText({ kind: 'failed', reason: 'HTTP 503', retriable: true }).text).toBe(
      'Failed: HTTP 503 (may pass if tried again)',
    );
    expect(outcomeText({ kind: 'timed_out', reason: 'no answer in 10000 ms' }).ok).toBe(false);
  });
});
