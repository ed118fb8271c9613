'use client';

import { dashboardSlugSchema } from '@tributary/contracts';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { useDashboardActions, useDashboards } from '../../hooks/dashboards.ts';
import { useCan } from '../../lib/use-can.ts';
import { QueryError } from '../error-banner.tsx';
import {
  Button,
  Card,
  EmptyState,
  Field,
  FieldRow,
  Loading,
  MutationError,
  numCell,
  Table,
  TextInput,
} from '../ui/index.ts';
import { formatWhen } from '../processors/when.ts';

/** Every dashboard, and (for those who may) a form to start a new one. */
export function DashboardsList() {
  const list = useDashboards();
  const canWrite = useCan('dashboards:write');
  const { create } = useDashboardActions();
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const suggested = title
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
  const name = slug || suggested;
  const slugCheck = dashboardSlugSchema.safeParse(name);
  const slugError = name === '' || slugCheck.success ? undefined : slugCheck.error.issues[0]?.message;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { slug: name, title, definition: {} },
      { onSuccess: (d) => router.push(`/dashboards/${encodeURIComponent(d.slug)}`) },
    );
  };
  const dashboards = list.data ?? [];
  return (
    <>
      <div className="page-head">
        <h1>Dashboards</h1>
      </div>
      <QueryError queries={list} />
      {list.isLoading && <Loading what="dashboards" />}
      {list.data && dashboards.length === 0 && (
        <EmptyState title="No dashboard yet">
          A dashboard is a grid of panels over your events, refreshed live and cached for every viewer.
        </EmptyState>
      )}
      {dashboards.length > 0 && (
        <Card flush testId="dashboards-table">
          <Table>
            <thead>
              <tr>
                <th>Dashboard</th>
                <th className={numCell}>Panels</th>
                <th>Last saved</th>
              </tr>
            </thead>
            <tbody>
              {dashboards.map((d) => (
                <tr key={d.slug} data-testid="dashboard-row" data-slug={d.slug}>
                  <td>
                    <Link href={`/dashboards/${encodeURIComponent(d.slug)}`} className="subject-link">
                      {d.title}
                    </Link>
                    {d.description && <div className="muted small ellipsis">{d.description}</div>}
                  </td>
                  <td className={numCell}>{d.panels}</td>
                  <td className="small">
                    {formatWhen(d.updatedAt)} · {d.updatedBy}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </Card>
      )}
      {canWrite && (
        <Card title="New dashboard">
          <form onSubmit={submit} noValidate data-testid="new-dashboard">
            <FieldRow>
              <Field label="Title">
                {(id) => (
                  <TextInput
                    id={id}
                    value={title}
                    onChange={(e) => setTitle(e.target.value)}
                    data-testid="dashboard-title"
                  />
                )}
              </Field>
              <Field label="Name (in its address)" error={slugError}>
                {(id, d) => (
                  <TextInput
                    id={id}
                    aria-describedby={d}
                    mono
                    value={name}
                    invalid={slugError !== undefined}
                    onChange={(e) => setSlug(e.target.value)}
                    data-testid="dashboard-slug"
                  />
                )}
              </Field>
            </FieldRow>
            <Button
              type="submit"
              variant="primary"
              disabled={title.trim() === '' || !slugCheck.success || create.isPending}
              testId="create-dashboard"
            >
              {create.isPending ? 'Creating…' : 'Create dashboard'}
            </Button>
            <MutationError error={create.error} testId="create-dashboard-error" />
          </form>
        </Card>
      )}
    </>
  );
}
