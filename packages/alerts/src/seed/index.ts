/** What every single-machine platform starts with: built-in rules routed to the console's inbox. */
export * from './builtin-rules.ts';
export * from './seed-builtin-alerts.ts';
