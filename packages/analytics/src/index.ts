/** Analytics: panel queries over events and rollups (routing to the coarsest exact source), dashboards. */
export * from './query/index.ts';
