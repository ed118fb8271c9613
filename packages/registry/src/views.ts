import type { CompatibilityMode } from '@tributary/schema-compat';

export type Enforcement = 'enforce' | 'observe';
export type VersionStatus = 'active' | 'deprecated';

/** A subject as the API and the console show it. */
export interface SubjectView {
  name: string;
  compatibility: CompatibilityMode;
  enforcement: Enforcement;
  owner: string | null;
  description: string | null;
  /** Highest existing version, or null when every version was deleted (or none registered). */
  latestVersion: number | null;
  versionCount: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionView {
  subject: string;
  version: number;
  schema: Record<string, unknown>;
  status: VersionStatus;
  description: string | null;
  examples: unknown[] | null;
  fieldTags: Record<string, string[]> | null;
  createdAt: Date;
  createdBy: string;
}

interface VersionRow {
  version: number;
  schema: unknown;
  status: VersionStatus;
  description: string | null;
  examples: unknown;
  fieldTags: unknown;
  createdAt: Date;
  createdBy: string;
}

// Rows are only written through this package, which validated these shapes on the way in.
export function toVersionView(subject: string, row: VersionRow): VersionView {
  return {
    subject,
    version: row.version,
    schema: row.schema as Record<string, unknown>,
    status: row.status,
    description: row.description,
    examples: (row.examples ?? null) as unknown[] | null,
    fieldTags: (row.fieldTags ?? null) as Record<string, string[]> | null,
    createdAt: row.createdAt,
    createdBy: row.createdBy,
  };
}
