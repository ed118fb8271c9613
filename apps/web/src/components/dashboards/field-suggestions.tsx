'use client';

import { useQuery } from '@tanstack/react-query';
import type { PanelSourceSpec } from '@tributary/contracts';
import { useTRPC } from '../../trpc/react.tsx';

// NOTE: data access for the builder's suggestions; belongs in hooks/dashboards.ts with the
// other dashboards hooks (kept here while that file is edited elsewhere).

/** The fields a source offers (registry schemas for events, columns for a processor table). */
export function useFieldSuggestions(source: PanelSourceSpec) {
  const trpc = useTRPC();
  return useQuery(
    trpc.dashboards.fields.queryOptions(
      { source },
      { staleTime: 60_000, placeholderData: (previous) => previous, retry: false },
    ),
  );
}

/** Processors whose table a panel may read. */
export function useProcessorSources() {
  const trpc = useTRPC();
  return useQuery(trpc.dashboards.processorSources.queryOptions(undefined, { staleTime: 60_000 }));
}

export interface SuggestedField {
  path: string;
  type: string;
  numeric: boolean;
}

/** A <datalist> of field paths with their types, for an input's `list` attribute. */
export function FieldDatalist(props: {
  id: string;
  fields: readonly SuggestedField[];
  numericOnly?: boolean;
}) {
  const fields = props.numericOnly ? props.fields.filter((f) => f.numeric) : props.fields;
  return (
    <datalist id={props.id} data-testid={`${props.id}-options`}>
      {fields.map((f) => (
        <option key={f.path} value={f.path} label={f.type} />
      ))}
    </datalist>
  );
}
