/** Live alerting: evaluation slots, the tick that evaluates and decides, the outbox's delivery. */
export * from './due.ts';
export * from './config.ts';
export * from './engine.ts';
export * from './notifier-store.ts';
export * from './evaluator.ts';
export * from './deliverer.ts';
