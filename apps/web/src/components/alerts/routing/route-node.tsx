'use client';

import { Button, Field, FieldRow, Select, TextInput } from '../../ui/index.ts';
import {
  addRoute,
  matcherOps,
  moveRoute,
  removeRoute,
  routeAt,
  routePath,
  type Problem,
  type RootDraft,
  type RouteDraft,
} from './policy-draft.ts';
import styles from './routing.module.css';

export interface TreeProps {
  draft: RootDraft;
  update: (edit: (d: RootDraft) => void) => void;
  problems: readonly Problem[];
  receivers: readonly string[];
  muteTimings: readonly string[];
}

export function problemAt(problems: readonly Problem[], path: string): string | undefined {
  const mine = problems.filter((p) => p.path === path || p.path.startsWith(`${path}.`));
  return mine.length ? mine.map((p) => p.message).join('; ') : undefined;
}

/** Mute timing checkboxes (a route's own: they are not inherited). */
export function MuteTimingPicker(props: {
  chosen: readonly string[];
  all: readonly string[];
  onChange: (next: string[]) => void;
  label: string;
  error?: string | undefined;
}) {
  return (
    <fieldset className={styles.picker} aria-label={props.label}>
      <span className="small muted">Mute timings</span>
      {props.all.length === 0 && <span className="small muted">none defined yet</span>}
      {props.all.map((m) => (
        <label key={m} className="small">
          <input
            type="checkbox"
            checked={props.chosen.includes(m)}
            onChange={(e) =>
              props.onChange(e.target.checked ? [...props.chosen, m] : props.chosen.filter((x) => x !== m))
            }
          />{' '}
          {m}
        </label>
      ))}
      {props.error && (
        <span className="field-error" role="alert">
          {props.error}
        </span>
      )}
    </fieldset>
  );
}

type TimingKey = 'groupWait' | 'groupInterval' | 'repeatInterval';
const TIMINGS: Array<[TimingKey, string, string]> = [
  ['groupWait', 'group_wait', 'groupWaitSeconds'],
  ['groupInterval', 'group_interval', 'groupIntervalSeconds'],
  ['repeatInterval', 'repeat_interval', 'repeatIntervalSeconds'],
];

/** One child route: matchers, continue, receiver and timings (empty: inherited), its children. */
export function RouteNode(props: TreeProps & { at: number[]; route: RouteDraft; siblings: number }) {
  const { route, at, update, problems } = props;
  const path = routePath(at);
  const name = `Route ${at.map((i) => i + 1).join('.')}`;
  const edit = (fn: (r: RouteDraft) => void) =>
    update((d) => {
      const r = routeAt(d, at);
      if (r) fn(r);
    });
  const index = at[at.length - 1] ?? 0;
  return (
    <section className={styles.route} aria-label={name} data-testid="route-node" data-path={path}>
      <div className={styles.routeHead}>
        <strong>{name}</strong>
        <div className={styles.buttons}>
          <Button
            size="small"
            variant="ghost"
            disabled={index === 0}
            onClick={() => update((d) => moveRoute(d, at, -1))}
            aria-label={`Move ${name} up`}
          >
            ↑
          </Button>
          <Button
            size="small"
            variant="ghost"
            disabled={index === props.siblings - 1}
            onClick={() => update((d) => moveRoute(d, at, 1))}
            aria-label={`Move ${name} down`}
          >
            ↓
          </Button>
          <Button
            size="small"
            variant="ghost"
            onClick={() => update((d) => removeRoute(d, at))}
            aria-label={`Remove ${name}`}
          >
            Remove
          </Button>
        </div>
      </div>
      <div className={styles.matchers}>
        <span className="small muted">Matches alerts whose labels</span>
        {route.matchers.map((m, i) => (
          <div key={i} className={styles.matcherRow}>
            <TextInput
              mono
              aria-label={`${name} matcher ${i + 1} label`}
              placeholder="team"
              value={m.name}
              onChange={(e) => {
                const v = e.target.value;
                edit((r) => (r.matchers[i]!.name = v));
              }}
            />
            <Select
              aria-label={`${name} matcher ${i + 1} operator`}
              value={m.op}
              onValue={(op) => edit((r) => (r.matchers[i]!.op = op))}
              options={matcherOps.map((o) => ({ value: o, label: o }))}
            />
            <TextInput
              mono
              aria-label={`${name} matcher ${i + 1} value`}
              placeholder={m.op.includes('~') ? 'db|cache (RE2, whole value)' : 'db'}
              value={m.value}
              onChange={(e) => {
                const v = e.target.value;
                edit((r) => (r.matchers[i]!.value = v));
              }}
            />
            <Button
              size="small"
              variant="ghost"
              onClick={() => edit((r) => r.matchers.splice(i, 1))}
              aria-label={`Remove ${name} matcher ${i + 1}`}
            >
              ✕
            </Button>
            {problemAt(problems, `${path}.matchers.${i}`) && (
              <span className="field-error" role="alert">
                {problemAt(problems, `${path}.matchers.${i}`)}
              </span>
            )}
          </div>
        ))}
        <Button
          size="small"
          variant="ghost"
          onClick={() => edit((r) => r.matchers.push({ name: '', op: '=', value: '' }))}
        >
          Add matcher
        </Button>
      </div>
      <FieldRow>
        <Field label="Receiver" error={problemAt(problems, `${path}.receiver`)}>
          {(id) => (
            <Select
              id={id}
              value={route.receiver}
              onValue={(v) => edit((r) => (r.receiver = v))}
              options={[
                { value: '', label: '(inherit)' },
                ...props.receivers.map((n) => ({ value: n, label: n })),
              ]}
            />
          )}
        </Field>
        <Field
          label="Group by"
          hint="empty: inherit; ... : every label"
          error={problemAt(problems, `${path}.groupBy`)}
        >
          {(id, d) => (
            <TextInput
              id={id}
              aria-describedby={d}
              mono
              value={route.groupBy}
              onChange={(e) => {
                const v = e.target.value;
                edit((r) => (r.groupBy = v));
              }}
            />
          )}
        </Field>
        {TIMINGS.map(([key, label, field]) => (
          <Field
            key={key}
            label={label}
            hint="empty: inherit"
            error={problemAt(problems, `${path}.${field}`)}
          >
            {(id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                mono
                value={route[key]}
                onChange={(e) => {
                  const v = e.target.value;
                  edit((r) => (r[key] = v));
                }}
              />
            )}
          </Field>
        ))}
      </FieldRow>
      <label className="small">
        <input
          type="checkbox"
          checked={route.continue}
          onChange={(e) => {
            const v = e.target.checked;
            edit((r) => (r.continue = v));
          }}
        />{' '}
        Continue: after this route, try its next siblings too
      </label>
      <MuteTimingPicker
        label={`${name} mute timings`}
        chosen={route.muteTimings}
        all={props.muteTimings}
        onChange={(next) => edit((r) => (r.muteTimings = next))}
        error={problemAt(problems, `${path}.muteTimings`)}
      />
      {route.routes.length > 0 && (
        <div className={styles.children}>
          {route.routes.map((child, i) => (
            <RouteNode
              key={child.key}
              {...props}
              at={[...at, i]}
              route={child}
              siblings={route.routes.length}
            />
          ))}
        </div>
      )}
      <div>
        <Button
          size="small"
          onClick={() => update((d) => addRoute(d, at))}
          aria-label={`Add a child route to ${name}`}
        >
          Add child route
        </Button>
      </div>
    </section>
  );
}
