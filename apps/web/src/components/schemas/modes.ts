// The checker's contract module holds only data and types (no ajv), so client components can
// import the mode list from it without pulling server code into the browser bundle.
import { compatibilityModes, type CompatibilityMode } from '@tributary/schema-compat/modes';

export { compatibilityModes };
export type Mode = CompatibilityMode;

export const modeHelp: Record<Mode, string> = {
  BACKWARD: 'New schema reads data written with the previous version',
  BACKWARD_TRANSITIVE: 'New schema reads data written with every earlier version',
  FORWARD: 'Previous version reads data written with the new schema',
  FORWARD_TRANSITIVE: 'Every earlier version reads data written with the new schema',
  FULL: 'Backward and forward against the previous version',
  FULL_TRANSITIVE: 'Backward and forward against every earlier version',
  NONE: 'No compatibility checks',
};

export const enforcements = ['enforce', 'observe'] as const;

export type Enforcement = (typeof enforcements)[number];

export const enforcementHelp: Record<Enforcement, string> = {
  enforce: 'Ingest rejects events that do not match the schema',
  observe: 'Ingest accepts events that do not match the schema and flags them',
};

export const unknownEventTypePolicies = ['allow', 'reject'] as const;

export type UnknownEventTypePolicy = (typeof unknownEventTypePolicies)[number];
