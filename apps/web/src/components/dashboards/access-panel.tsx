'use client';

import { useState } from 'react';
import { useDashboardActions } from '../../hooks/dashboards.ts';
import { Button, Card, MutationError } from '../ui/index.ts';

const ROLES = [
  { value: 'viewer', label: 'viewers' },
  { value: 'operator', label: 'operators' },
  { value: 'schema_owner', label: 'schema owners' },
  { value: 'admin', label: 'admins' },
] as const;
type Role = (typeof ROLES)[number]['value'];

export interface DashboardAccessView {
  viewRoles: string[];
  editRoles: string[];
}

/**
 * Who may open and change this dashboard, by role. Nothing ticked: everyone who may read opens
 * it, everyone with dashboards:write changes it. Its creator and admins always may both.
 */
export function AccessPanel({
  slug,
  revision,
  access,
}: {
  slug: string;
  revision: number;
  access: DashboardAccessView;
}) {
  const { setAccess } = useDashboardActions();
  const [view, setView] = useState<Set<string>>(new Set(access.viewRoles));
  const [edit, setEdit] = useState<Set<string>>(new Set(access.editRoles));
  const changed = !sameSet(view, access.viewRoles) || !sameSet(edit, access.editRoles);
  const toggle = (set: Set<string>, role: Role, apply: (s: Set<string>) => void) => {
    const next = new Set(set);
    if (next.has(role)) next.delete(role);
    else next.add(role);
    apply(next);
  };
  return (
    <Card title="Access" testId="dashboard-access">
      <p className="muted small">
        Nothing ticked: no narrowing. Its creator and admins always may open and change it.
      </p>
      {(
        [
          ['Open', view, setView, 'view'],
          ['Change', edit, setEdit, 'edit'],
        ] as const
      ).map(([label, set, apply, key]) => (
        <fieldset key={key} data-testid={`access-${key}`}>
          <legend>{label}: only</legend>
          {ROLES.map((r) => (
            <label key={r.value} className="small">
              <input
                type="checkbox"
                checked={set.has(r.value)}
                onChange={() => toggle(set, r.value, apply)}
                data-testid={`access-${key}-${r.value}`}
              />{' '}
              {r.label}{' '}
            </label>
          ))}
        </fieldset>
      ))}
      <Button
        variant="primary"
        disabled={!changed || setAccess.isPending}
        onClick={() => setAccess.mutate({ slug, revision, viewRoles: [...view], editRoles: [...edit] })}
        testId="access-save"
      >
        Save access
      </Button>
      <MutationError error={setAccess.error} testId="access-error" />
    </Card>
  );
}

function sameSet(a: Set<string>, b: readonly string[]): boolean {
  return a.size === b.length && b.every((x) => a.has(x));
}
