'use client';

import { useState, type FormEvent } from 'react';
import { useMuteTimingActions, useMuteTimings } from '../../../hooks/alert-config.ts';
import { errorText } from '../../../lib/error-text.ts';
import { useCan } from '../../../lib/use-can.ts';
import { QueryError } from '../../error-banner.tsx';
import { problemsInRefusal } from '../rules/rule-draft.ts';
import { Button, Card, ConfirmDialog, Field, FieldRow, Loading, Table, TextInput } from '../../ui/index.ts';
import {
  buildMuteTiming,
  emptyMuteTimingForm,
  formFromMuteTiming,
  muteTimingSummary,
  weekdays,
  type MuteTimingForm,
  type Problem,
} from './mute-timing-draft.ts';
import { problemAt } from './route-node.tsx';
import styles from './routing.module.css';

type Row = NonNullable<ReturnType<typeof useMuteTimings>['data']>[number];

/** Mute timings: recurring windows (weekdays and times of day in a zone) a route sends nothing in. */
export function MuteTimingsPanel() {
  const timings = useMuteTimings();
  const isAdmin = useCan('admin');
  const actions = useMuteTimingActions();
  const [editing, setEditing] = useState<Row | 'new' | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const list = timings.data ?? [];
  const remove = async () => {
    if (!deleting) return;
    try {
      await actions.remove.mutateAsync({ name: deleting });
    } catch (err) {
      setError(errorText(err as Error));
    }
    setDeleting(null);
  };
  return (
    <Card
      title="Mute timings"
      actions={
        isAdmin && (
          <Button size="small" onClick={() => setEditing('new')} testId="new-mute-timing">
            New mute timing
          </Button>
        )
      }
      testId="mute-timings"
    >
      <QueryError queries={timings} />
      {timings.isLoading && <Loading what="mute timings" />}
      {error && (
        <p className="field-error" role="alert" data-testid="mute-timing-delete-error">
          {error}
        </p>
      )}
      {editing && isAdmin && (
        <MuteTimingFormView
          key={editing === 'new' ? 'new' : `${editing.name}:${editing.revision}`}
          stored={editing === 'new' ? null : editing}
          onDone={() => setEditing(null)}
        />
      )}
      {timings.data && list.length === 0 && (
        <p className="muted small">
          None yet. A route with a mute timing sends nothing while it holds (nights, weekends).
        </p>
      )}
      {list.length > 0 && (
        <Table dense label="Mute timings">
          <thead>
            <tr>
              <th>Name</th>
              <th>When</th>
              {isAdmin && <th />}
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.name} data-testid="mute-timing-row" data-mute-timing={m.name}>
                <td className="mono">{m.name}</td>
                <td className="small">{muteTimingSummary(m.muteTiming)}</td>
                {isAdmin && (
                  <td>
                    <div className={styles.buttons}>
                      <Button
                        size="small"
                        variant="ghost"
                        onClick={() => setEditing(m)}
                        aria-label={`Edit ${m.name}`}
                      >
                        Edit
                      </Button>
                      <Button
                        size="small"
                        variant="ghost"
                        onClick={() => {
                          setError(null);
                          setDeleting(m.name);
                        }}
                        aria-label={`Delete ${m.name}`}
                      >
                        Delete
                      </Button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete mute timing ${deleting ?? ''}?`}
        confirmLabel="Delete"
        danger
        busy={actions.remove.isPending}
        onConfirm={() => void remove()}
        onCancel={() => setDeleting(null)}
      >
        Refused while a route uses it.
      </ConfirmDialog>
    </Card>
  );
}

function MuteTimingFormView(props: { stored: Row | null; onDone: () => void }) {
  const actions = useMuteTimingActions();
  const [form, setForm] = useState<MuteTimingForm>(() =>
    props.stored ? formFromMuteTiming(props.stored.muteTiming) : emptyMuteTimingForm(),
  );
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const pending = actions.create.isPending || actions.update.isPending;
  const edit = (fn: (f: MuteTimingForm) => void) =>
    setForm((previous) => {
      const next = structuredClone(previous);
      fn(next);
      return next;
    });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const { muteTiming, problems: found } = buildMuteTiming(form);
    setProblems(found);
    if (found.length > 0) return;
    try {
      if (props.stored)
        await actions.update.mutateAsync({
          name: props.stored.name,
          revision: props.stored.revision,
          muteTiming,
        });
      else await actions.create.mutateAsync({ muteTiming });
      props.onDone();
    } catch (err) {
      const text = errorText(err as Error);
      setProblems(problemsInRefusal(text) ?? []);
      setError(text);
    }
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Mute timing"
      className={styles.muteForm}
      data-testid="mute-timing-form"
    >
      <FieldRow>
        <Field label="Name" error={problemAt(problems, 'name')}>
          {(id) => (
            <TextInput
              id={id}
              mono
              disabled={props.stored !== null}
              invalid={problemAt(problems, 'name') !== undefined}
              value={form.name}
              onChange={(e) => {
                const v = e.target.value;
                edit((f) => (f.name = v));
              }}
              data-testid="mute-timing-name"
            />
          )}
        </Field>
        <Field label="Time zone" hint="IANA, e.g. Europe/Berlin" error={problemAt(problems, 'timeZone')}>
          {(id, d) => (
            <TextInput
              id={id}
              aria-describedby={d}
              mono
              invalid={problemAt(problems, 'timeZone') !== undefined}
              value={form.timeZone}
              onChange={(e) => {
                const v = e.target.value;
                edit((f) => (f.timeZone = v));
              }}
              data-testid="mute-timing-zone"
            />
          )}
        </Field>
      </FieldRow>
      {form.intervals.map((interval, i) => (
        <fieldset key={i} className={styles.interval} aria-label={`Interval ${i + 1}`}>
          <legend className="small">Interval {i + 1}</legend>
          <div className={styles.picker}>
            <span className="small muted">Weekdays (none: every day)</span>
            {weekdays.map((day) => (
              <label key={day} className="small">
                <input
                  type="checkbox"
                  checked={interval.weekdays.includes(day)}
                  onChange={(e) => {
                    const on = e.target.checked;
                    edit((f) => {
                      const it = f.intervals[i]!;
                      it.weekdays = on
                        ? weekdays.filter((w) => w === day || it.weekdays.includes(w))
                        : it.weekdays.filter((w) => w !== day);
                    });
                  }}
                />{' '}
                {day.slice(0, 3)}
              </label>
            ))}
          </div>
          <Field
            label="Times of day"
            hint="e.g. 00:00-07:00, 22:00-24:00 (empty: the whole day)"
            error={problemAt(problems, `intervals.${i}`)}
          >
            {(id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                mono
                value={interval.times}
                onChange={(e) => {
                  const v = e.target.value;
                  edit((f) => (f.intervals[i]!.times = v));
                }}
                data-testid="mute-timing-times"
              />
            )}
          </Field>
          {form.intervals.length > 1 && (
            <Button size="small" variant="ghost" onClick={() => edit((f) => f.intervals.splice(i, 1))}>
              Remove interval
            </Button>
          )}
        </fieldset>
      ))}
      {problemAt(problems, 'intervals') && !problems.some((p) => /^intervals\.\d/.test(p.path)) && (
        <p className="field-error" role="alert">
          {problemAt(problems, 'intervals')}
        </p>
      )}
      {error && (
        <p className="field-error" role="alert" data-testid="mute-timing-save-error">
          {error}
        </p>
      )}
      <div className={styles.buttons}>
        <Button size="small" onClick={() => edit((f) => f.intervals.push({ weekdays: [], times: '' }))}>
          Add interval
        </Button>
        <Button type="submit" size="small" variant="primary" disabled={pending} testId="mute-timing-save">
          {pending ? 'Saving…' : props.stored ? 'Save' : 'Create mute timing'}
        </Button>
        <Button size="small" variant="ghost" onClick={props.onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
