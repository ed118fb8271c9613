import type { Step } from '@tributary/contracts';

/** The step schemas' types, one per kind. */
export type FilterStep = Extract<Step, { kind: 'filter' }>;
export type TransformStep = Extract<Step, { kind: 'transform' }>;
export type UaStep = Extract<Step, { kind: 'enrich_ua' }>;
export type GeoStep = Extract<Step, { kind: 'enrich_geo' }>;
export type LookupStep = Extract<Step, { kind: 'enrich_lookup' }>;
export type PiiHashStep = Extract<Step, { kind: 'pii_hash' }>;
export type DedupeStep = Extract<Step, { kind: 'dedupe' }>;
export type { AggregateStep } from '@tributary/contracts';
