// The registry's compatibility modes, in the order the mode selector lists them. Kept here (not
// imported from the checker) so client components can use it without server code.
export const compatibilityModes = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type Mode = (typeof compatibilityModes)[number];

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
