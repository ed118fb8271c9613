/** Alert configuration and history in Postgres: validated by contracts' schemas, audited. */
export * from './rules.ts';
export * from './receiver-secrets.ts';
export * from './receivers.ts';
export * from './policy-references.ts';
export * from './routing.ts';
export * from './mute-timings.ts';
export * from './silences.ts';
export * from './history.ts';
export * from './instances.ts';
export * from './acknowledge.ts';
export * from './alerts-now.ts';
export * from './alerts-summary.ts';
