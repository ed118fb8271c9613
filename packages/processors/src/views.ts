import {
  processorDefinitionSchema,
  type ProcessorDefinition,
  type ProcessorState,
} from '@tributary/contracts';

export interface ProcessorView {
  name: string;
  description: string;
  state: ProcessorState;
  /** The version that runs while active (and resumes after a pause); null until first published. */
  activeVersion: number | null;
  /** Highest version number issued (0: none yet). */
  lastVersion: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
}

export interface ProcessorVersionView {
  version: number;
  definition: ProcessorDefinition;
  note: string;
  createdAt: Date;
  createdBy: string;
}

export interface ProcessorDetail extends ProcessorView {
  /** Oldest first. */
  versions: ProcessorVersionView[];
}

interface ProcessorRow {
  name: string;
  description: string;
  state: ProcessorState;
  activeVersion: number | null;
  lastVersion: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
}

export function toProcessorView(row: ProcessorRow): ProcessorView {
  return {
    name: row.name,
    description: row.description,
    state: row.state,
    activeVersion: row.activeVersion,
    lastVersion: row.lastVersion,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt,
  };
}

export function toVersionView(row: {
  version: number;
  definition: unknown;
  note: string;
  createdAt: Date;
  createdBy: string;
}): ProcessorVersionView {
  return {
    version: row.version,
    // Stored only after passing this schema; parsing again fills defaults a later contract added.
    definition: processorDefinitionSchema.parse(row.definition),
    note: row.note,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}

/** What an audit row records of a processor's state. */
export function stateSnapshot(row: ProcessorRow) {
  return {
    name: row.name,
    state: row.state,
    activeVersion: row.activeVersion,
    lastVersion: row.lastVersion,
  };
}
