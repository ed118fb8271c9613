/** Alerting core: rule evaluation (state machine), routing and grouping, silences, signal queries, backtests. */
export * from './labels.ts';
export * from './condition.ts';
export * from './state-machine.ts';
export * from './routing.ts';
export * from './mute-timings.ts';
export * from './silences.ts';
export * from './scheduler.ts';
export * from './signal-sql.ts';
export * from './signals.ts';
export * from './evaluate.ts';
export * from './rule-runner.ts';
export * from './backtest.ts';
export * from './notification.ts';
export * from './templates.ts';
export * from './receivers/index.ts';
export * from './panel-runner.ts';
// Alert configuration and history in Postgres (rules, receivers, routing, mute timings, silences).
export * from './store/index.ts';
// The built-in rules, inbox receiver and routing that `npm start` seeds.
export * from './seed/index.ts';
// Live evaluation and delivery, as the jobs service runs them.
export * from './live/index.ts';
