import { alertRuleSchema } from '@tributary/contracts';
import { describe, expect, it } from 'vitest';
import {
  buildRule,
  emptyRuleForm,
  formatDuration,
  formFromRule,
  parseDuration,
  problemsAt,
  problemsInRefusal,
  type RuleForm,
} from './rule-draft.ts';

function form(edit: (f: RuleForm) => void): RuleForm {
  const f = emptyRuleForm();
  f.name = 'lag';
  f.title = 'Consumer lag';
  f.condition.threshold = '60';
  edit(f);
  return f;
}

describe('durations', () => {
  it('reads seconds with or without a unit and spells them back shortest', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration(' 2h ')).toBe(7200);
    expect(parseDuration('1d')).toBe(86_400);
    expect(parseDuration('five')).toBeNull();
    expect(formatDuration(300)).toBe('5m');
    expect(formatDuration(90)).toBe('90s');
    expect(formatDuration(0)).toBe('0');
  });
});

describe('buildRule', () => {
  it('turns a signal form into a rule the contract accepts', () => {
    const { rule, problems } = buildRule(
      form((f) => {
        f.signal.groups = 'tributary-workers, other';
        f.condition.recovery = '30';
        f.pending = '2m';
        f.labels = 'team=data\nseverity = page';
      }),
    );
    expect(problems).toEqual([]);
    expect(alertRuleSchema.parse(rule)).toMatchObject({
      query: { kind: 'signal', signal: { kind: 'consumer_lag', groups: ['tributary-workers', 'other'] } },
      condition: { kind: 'threshold', op: 'above', threshold: 60, recovery: 30 },
      intervalSeconds: 60,
      windowSeconds: 300,
      pendingSeconds: 120,
      labels: { team: 'data', severity: 'page' },
    });
  });

  it('builds a panel query with typed filters, and an empty recovery is left to the default', () => {
    const { rule, problems } = buildRule(
      form((f) => {
        f.queryKind = 'panel';
        f.panel.eventTypes = 'purchase';
        f.panel.fn = 'sum';
        f.panel.field = 'data.amount';
        f.panel.groupBy = 'source';
        f.panel.filters = [
          { field: 'data.amount', op: '>', value: '10' },
          { field: 'data.plan', op: '=', value: '42' },
          { field: 'source', op: 'in', value: 'web, ios' },
          { field: '', op: '=', value: 'ignored' },
        ];
        f.panel.interval = '300';
        f.interval = '5m';
      }),
    );
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({
      query: {
        kind: 'panel',
        query: {
          source: { kind: 'events', eventTypes: ['purchase'] },
          measure: { fn: 'sum', field: 'data.amount' },
          groupBy: ['source'],
          filters: [
            { field: 'data.amount', op: '>', value: 10 },
            { field: 'data.plan', op: '=', value: '42' },
            { field: 'source', op: 'in', values: ['web', 'ios'] },
          ],
          interval: 300,
        },
        reduce: 'sum',
      },
    });
    expect(rule.condition).not.toHaveProperty('recovery');
  });

  it('names each problem by the path the contract uses, once', () => {
    const { problems } = buildRule(
      form((f) => {
        f.name = 'Bad Name';
        f.condition.threshold = 'lots';
        f.condition.recovery = '';
        f.window = 'soon';
        f.labels = 'alertname=x\nnot-a-label';
      }),
    );
    expect(problemsAt(problems, 'condition.threshold')).toBe('"lots" is not a number');
    expect(problemsAt(problems, 'windowSeconds')).toMatch(/not a duration/);
    expect(problemsAt(problems, 'name')).toMatch(/lower-case/);
    expect(problemsAt(problems, 'labels')).toMatch(/not-a-label/);
    expect(problems.filter((p) => p.path === 'condition.threshold')).toHaveLength(1);
  });

  it('refuses a recovery threshold on the wrong side at condition.recovery', () => {
    const { problems } = buildRule(form((f) => (f.condition.recovery = '90')));
    expect(problems.map((p) => p.path)).toEqual(['condition.recovery']);
  });
});

describe('formFromRule', () => {
  it('gives back the rule it was made from', () => {
    const built = buildRule(
      form((f) => {
        f.signal.kind = 'source_silence';
        f.signal.sources = 'web';
        f.signal.minutes = '30';
        f.condition.op = 'below';
        f.condition.threshold = '1';
        f.keepFiring = '10m';
        f.noData = 'alerting';
      }),
    );
    expect(built.problems).toEqual([]);
    const rule = alertRuleSchema.parse(built.rule);
    expect(alertRuleSchema.parse(buildRule(formFromRule(rule)).rule)).toEqual(rule);
  });
});

describe('problemsInRefusal', () => {
  it('reads the store’s refusal words', () => {
    expect(
      problemsInRefusal(
        'alert rule refused: windowSeconds: the window (90 s) is a whole number; title: give the rule a title',
      ),
    ).toEqual([
      { path: 'windowSeconds', message: 'the window (90 s) is a whole number' },
      { path: 'title', message: 'give the rule a title' },
    ]);
    expect(problemsInRefusal('someone saved it meanwhile')).toBeNull();
  });
});
