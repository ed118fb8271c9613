/** Alerting core: rule evaluation (state machine), routing and grouping, silences, signal queries, backtests. */
export * from './labels.ts';
export * from './condition.ts';
export * from './state-machine.ts';
