'use client';

import { useCallback, useState, type FormEvent } from 'react';
import { useMuteTimings, useReceivers, useRouting, useRoutingActions } from '../../../hooks/alert-config.ts';
import { errorText } from '../../../lib/error-text.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import { problemsInRefusal } from '../rules/rule-draft.ts';
import { Button, Card, Field, FieldRow, Loading, Select, TextInput } from '../../ui/index.ts';
import {
  addRoute,
  buildPolicy,
  draftFromPolicy,
  editorPath,
  type Problem,
  type RootDraft,
} from './policy-draft.ts';
import { MuteTimingPicker, problemAt, RouteNode } from './route-node.tsx';
import styles from './routing.module.css';

/** The policy tree, loaded once its inputs are: the stored tree, receivers and mute timings. */
export function RoutingEditor() {
  const routing = useRouting();
  const receivers = useReceivers();
  const timings = useMuteTimings();
  if (routing.isLoading || receivers.isLoading || timings.isLoading) return <Loading what="routing" />;
  if (!routing.data || !receivers.data || !timings.data)
    return <QueryError queries={[routing, receivers, timings]} title="Routing" />;
  return (
    <TreeForm
      // A save (or someone else's, once reloaded) starts the form again from what is stored.
      key={routing.data.revision}
      stored={routing.data}
      receivers={receivers.data.map((r) => r.name)}
      muteTimings={timings.data.map((m) => m.name)}
    />
  );
}

type Stored = NonNullable<ReturnType<typeof useRouting>['data']>;

const ROOT_TIMINGS = [
  ['groupWait', 'group_wait', 'groupWaitSeconds', 'how long a new group waits for more alerts'],
  ['groupInterval', 'group_interval', 'groupIntervalSeconds', 'how often a changed group is sent'],
  [
    'repeatInterval',
    'repeat_interval',
    'repeatIntervalSeconds',
    'how often an unchanged group is sent again',
  ],
] as const;

function TreeForm(props: { stored: Stored; receivers: string[]; muteTimings: string[] }) {
  const isAdmin = useCan('admin');
  const { replace } = useRoutingActions();
  const [draft, setDraft] = useState<RootDraft>(() =>
    draftFromPolicy(props.stored.policy, props.receivers[0]),
  );
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const update = useCallback((edit: (d: RootDraft) => void) => {
    setSaved(false);
    setDraft((previous) => {
      const next = structuredClone(previous);
      edit(next);
      return next;
    });
  }, []);
  const tree = { draft, update, problems, receivers: props.receivers, muteTimings: props.muteTimings };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const { policy, problems: found } = buildPolicy(draft);
    setProblems(found);
    if (found.length > 0) return;
    try {
      await replace.mutateAsync({ revision: props.stored.revision, policy });
      setSaved(true);
    } catch (err) {
      const text = errorText(err as Error);
      setProblems((problemsInRefusal(text) ?? []).map((p) => ({ ...p, path: editorPath(p.path) })));
      setError(text);
    }
  };

  const rootOnly = problems.filter((p) => !p.path.startsWith('routes.'));
  return (
    <Card
      title="Notification policy"
      actions={
        <span className="muted small" data-testid="routing-revision">
          {props.stored.revision === 0
            ? 'not saved yet: nothing is routed'
            : `revision ${props.stored.revision}, by ${props.stored.updatedBy ?? '?'}`}
        </span>
      }
      testId="routing-editor"
    >
      {props.receivers.length === 0 && (
        <p className="muted" data-testid="routing-no-receivers">
          Create a receiver first: every alert goes to the root route&apos;s receiver unless a child route
          takes it.
        </p>
      )}
      <form onSubmit={save} noValidate aria-label="Notification policy">
        <fieldset disabled={!isAdmin} className={styles.tree}>
          <section className={styles.route} aria-label="Root route" data-testid="route-root">
            <strong>Root route (every alert)</strong>
            <FieldRow>
              <Field label="Receiver" error={problemAt(rootOnly, 'receiver')}>
                {(id) => (
                  <Select
                    id={id}
                    value={draft.receiver}
                    onValue={(v) => update((d) => (d.receiver = v))}
                    options={[
                      ...(draft.receiver === '' ? [{ value: '', label: '(choose a receiver)' }] : []),
                      ...props.receivers.map((n) => ({ value: n, label: n })),
                    ]}
                    data-testid="routing-root-receiver"
                  />
                )}
              </Field>
              <Field
                label="Group by"
                hint="labels, comma-separated; ... : every label"
                error={problemAt(rootOnly, 'groupBy')}
              >
                {(id, d) => (
                  <TextInput
                    id={id}
                    aria-describedby={d}
                    mono
                    value={draft.groupBy}
                    onChange={(e) => {
                      const v = e.target.value;
                      update((dr) => (dr.groupBy = v));
                    }}
                    data-testid="routing-root-group-by"
                  />
                )}
              </Field>
              {ROOT_TIMINGS.map(([key, label, field, hint]) => (
                <Field key={key} label={label} hint={hint} error={problemAt(rootOnly, field)}>
                  {(id, d) => (
                    <TextInput
                      id={id}
                      aria-describedby={d}
                      mono
                      value={draft[key]}
                      onChange={(e) => {
                        const v = e.target.value;
                        update((dr) => (dr[key] = v));
                      }}
                      data-testid={`routing-root-${key}`}
                    />
                  )}
                </Field>
              ))}
            </FieldRow>
            <MuteTimingPicker
              label="Root mute timings"
              chosen={draft.muteTimings}
              all={props.muteTimings}
              onChange={(next) => update((d) => (d.muteTimings = next))}
              error={problemAt(rootOnly, 'muteTimings')}
            />
            <div className={styles.children}>
              {draft.routes.map((r, i) => (
                <RouteNode key={r.key} {...tree} at={[i]} route={r} siblings={draft.routes.length} />
              ))}
            </div>
            <div>
              <Button size="small" onClick={() => update((d) => addRoute(d, []))} testId="routing-add-route">
                Add child route
              </Button>
            </div>
          </section>
        </fieldset>
        {error && (
          <p className="field-error" role="alert" data-testid="routing-save-error">
            {error}
          </p>
        )}
        {problems.length > 0 && !error && (
          <p className="field-error" role="alert">
            The policy has {problems.length === 1 ? 'a problem' : `${problems.length} problems`}, shown by
            their fields.
          </p>
        )}
        {saved && (
          <p className="muted small" role="status" data-testid="routing-saved">
            Saved.
          </p>
        )}
        {isAdmin ? (
          <Button type="submit" variant="primary" disabled={replace.isPending} testId="routing-save">
            {replace.isPending ? 'Saving…' : 'Save policy'}
          </Button>
        ) : (
          <p className="muted small">Only admins change routing.</p>
        )}
      </form>
    </Card>
  );
}
