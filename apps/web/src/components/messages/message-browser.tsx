'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorText } from '../../lib/error-text.ts';
import { formatCount, formatMs } from '../../lib/format.ts';
import { useDebounced } from '../../lib/use-debounced.ts';
import { useTRPC } from '../../trpc/react.tsx';
import {
  BROWSE_LIMITS,
  type BrowseRequestInput,
  type BrowseStart,
} from '../../server/messages/browse-input.ts';
import type { EndReason } from '../../server/messages/frames.ts';
import { Button, Card, ErrorState, Field, FieldRow, Loading, Select, TextInput } from '../ui/index.ts';
import { EventRow } from './event-row.tsx';
import styles from './message-browser.module.css';
import { useMessageScan } from './use-message-scan.ts';

type StartKind = BrowseStart['kind'];

interface StartInput {
  label: string;
  value: string;
  set: (value: string) => void;
  input: { inputMode?: 'numeric'; mono?: boolean; type?: string; 'data-testid'?: string };
}

const START_OPTIONS = [
  { value: 'newest', label: 'Newest (last N per partition)' },
  { value: 'earliest', label: 'Earliest' },
  { value: 'offset', label: 'Offset' },
  { value: 'time', label: 'Time' },
] as const;

const END_TEXT: Record<EndReason, string> = {
  done: 'Read to the end of every partition (as of the start of the scan).',
  max_results: 'Stopped at the maximum number of results.',
  max_scanned: `Stopped after ${formatCount(BROWSE_LIMITS.maxScannedMessages)} messages (the limit per scan).`,
  max_time: `Stopped after ${BROWSE_LIMITS.maxScanMs / 1000} s (the limit per scan).`,
  max_bytes: 'Stopped at the limit on result size.',
  stopped: 'Stopped.',
};

/** "2026-12-02T18:30" (a datetime-local value, local time) for an epoch ms. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/**
 * The message browser for one topic: partitions, where to start, how many results and a CEL
 * filter (the processors' language), streamed results with their partition, offset, time, key,
 * headers and trace id, a progress line while it scans, and Stop.
 */
export function MessageBrowser({ topic }: { topic: string }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.messages.topic.queryOptions({ topic }));
  const [partitions, setPartitions] = useState<number[]>([]);
  const [startKind, setStartKind] = useState<StartKind>('newest');
  const [newest, setNewest] = useState(String(BROWSE_LIMITS.defaultNewest));
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState(() => localInput(Date.now() - 3_600_000));
  const [maxResults, setMaxResults] = useState(String(BROWSE_LIMITS.defaultResults));
  const [filter, setFilter] = useState('');
  const debouncedFilter = useDebounced(filter, 300);
  const check = useQuery({
    ...trpc.messages.checkFilter.queryOptions({ expression: debouncedFilter }),
    enabled: debouncedFilter.trim() !== '',
  });
  const { state, start, stop } = useMessageScan();
  const running = state.status === 'running';

  const startValue = (): BrowseStart | string => {
    if (startKind === 'earliest') return { kind: 'earliest' };
    if (startKind === 'offset')
      return /^\d+$/.test(offset) ? { kind: 'offset', offset } : 'an offset is a whole number';
    if (startKind === 'time') {
      const at = new Date(time);
      return Number.isNaN(at.getTime()) ? 'pick a time' : { kind: 'time', at: at.toISOString() };
    }
    const n = Number(newest);
    return Number.isInteger(n) && n >= 1 && n <= BROWSE_LIMITS.maxNewest
      ? { kind: 'newest', count: n }
      : `1 to ${formatCount(BROWSE_LIMITS.maxNewest)}`;
  };
  const startOrError = startValue();
  // The one input the chosen start needs (earliest needs none); each kind keeps its own text.
  const startInputs: Partial<Record<typeof startKind, StartInput>> = {
    newest: {
      label: 'Last N per partition',
      value: newest,
      set: setNewest,
      input: { inputMode: 'numeric' as const },
    },
    offset: {
      label: 'Offset (in each partition)',
      value: offset,
      set: setOffset,
      input: { inputMode: 'numeric' as const, mono: true, 'data-testid': 'browser-offset' },
    },
    time: { label: 'From (your local time)', value: time, set: setTime, input: { type: 'datetime-local' } },
  };
  const startInput = startInputs[startKind];
  const results = Number(maxResults);
  const resultsError =
    Number.isInteger(results) && results >= 1 && results <= BROWSE_LIMITS.maxResults
      ? undefined
      : `1 to ${formatCount(BROWSE_LIMITS.maxResults)}`;
  const filterChecking = filter !== debouncedFilter || check.isFetching;
  const filterError =
    filter.trim() !== '' && !filterChecking && check.data && !check.data.ok
      ? `${check.data.message}${check.data.position === null ? '' : ` (at ${check.data.position})`}`
      : filter.trim() !== '' && !filterChecking && check.error
        ? `could not check: ${errorText(check.error)}`
        : undefined;
  const canRun = typeof startOrError !== 'string' && !resultsError && !filterError;

  const run = () => {
    if (typeof startOrError === 'string') return;
    const request: BrowseRequestInput = {
      topic,
      partitions,
      start: startOrError,
      maxResults: results,
      filter,
    };
    void start(request);
  };

  const togglePartition = (p: number) =>
    setPartitions((ps) => (ps.includes(p) ? ps.filter((x) => x !== p) : [...ps, p].sort((a, b) => a - b)));

  const kind = state.started?.kind ?? overview.data?.kind ?? 'raw';
  const p = state.progress;

  return (
    <Card title="Messages" testId="message-browser">
      {overview.isPending ? (
        <Loading what="partitions" />
      ) : overview.error ? (
        <ErrorState error={overview.error} title="Could not read the topic" />
      ) : (
        <form
          className={styles.form}
          onSubmit={(e) => {
            e.preventDefault();
            if (canRun && !running) run();
          }}
        >
          <Field label="Partitions" hint={partitions.length === 0 ? 'all' : undefined}>
            {(id) => (
              <div id={id} className={styles.partitions} data-testid="browser-partitions">
                {overview.data.partitions.map((part) => (
                  <label key={part.partition} title={`offsets ${part.earliest}–${part.end}`}>
                    <input
                      type="checkbox"
                      checked={partitions.includes(part.partition)}
                      onChange={() => togglePartition(part.partition)}
                    />{' '}
                    {part.partition}{' '}
                    <span className={styles.muted}>({formatCount(Number(part.messages))})</span>
                  </label>
                ))}
              </div>
            )}
          </Field>
          <FieldRow>
            <Field label="Start">
              {(id) => (
                <Select
                  id={id}
                  options={START_OPTIONS}
                  value={startKind}
                  onValue={setStartKind}
                  data-testid="browser-start"
                />
              )}
            </Field>
            {startInput && (
              <Field
                label={startInput.label}
                error={typeof startOrError === 'string' ? startOrError : undefined}
              >
                {(id, d) => (
                  <TextInput
                    key={startKind}
                    id={id}
                    aria-describedby={d}
                    {...startInput.input}
                    value={startInput.value}
                    onChange={(e) => startInput.set(e.target.value)}
                  />
                )}
              </Field>
            )}
            <Field label="Max results" error={resultsError}>
              {(id, d) => (
                <TextInput
                  id={id}
                  aria-describedby={d}
                  inputMode="numeric"
                  value={maxResults}
                  onChange={(e) => setMaxResults(e.target.value)}
                />
              )}
            </Field>
          </FieldRow>
          <Field
            className={styles.filter}
            label="Filter (CEL, as in processors; empty: every event)"
            error={filterError}
            ok={filter.trim() !== '' && !filterChecking && check.data?.ok ? 'valid filter' : undefined}
            hint={
              filterChecking && filter.trim() !== ''
                ? 'checking…'
                : 'e.g. event_type == "page_view" && data.plan == "pro" — fields: event_id, event_type, source, timestamp, user_id, data, metadata'
            }
            testId="browser-filter"
          >
            {(id, d) => (
              <TextInput
                id={id}
                aria-describedby={d}
                mono
                invalid={filterError !== undefined}
                value={filter}
                onChange={(e) => setFilter(e.target.value)}
                placeholder='data.plan == "pro"'
              />
            )}
          </Field>
          <div className={styles.actions}>
            {running ? (
              <Button variant="danger" onClick={stop} testId="browser-stop">
                Stop
              </Button>
            ) : (
              <Button variant="primary" type="submit" disabled={!canRun} testId="browser-run">
                Scan
              </Button>
            )}
            {p && (
              <span className={styles.progress} data-testid="browser-progress">
                {running ? 'Scanning: ' : ''}
                {formatCount(p.scanned)} messages read
                {p.skipped > 0
                  ? ` (${formatCount(p.skipped)} without the filter's text, not decoded)`
                  : ''} · {formatCount(p.events)} events checked · {formatCount(p.matched)} matched
                {p.evalErrors > 0 ? ` · ${formatCount(p.evalErrors)} could not be evaluated` : ''} ·{' '}
                {formatMs(p.elapsedMs)}
                {state.firstResultMs !== null ? ` · first result after ${formatMs(state.firstResultMs)}` : ''}
              </span>
            )}
          </div>
          {p && (
            <p className={styles.positions} data-testid="browser-positions">
              {p.partitions.map((pp) => `p${pp.partition} ${pp.position}/${pp.end}`).join(' · ')}
            </p>
          )}
        </form>
      )}
      {state.error && <ErrorState error={state.error} title="Scan refused" testId="browser-error" />}
      {state.status === 'ended' && state.endReason && (
        <p className={styles.progress} data-testid="browser-end" data-reason={state.endReason}>
          {END_TEXT[state.endReason]}
          {state.firstEvalError ? ` Some events could not be evaluated, e.g.: ${state.firstEvalError}` : ''}
        </p>
      )}
      {(state.events.length > 0 || state.status === 'ended') && (
        <div className={styles.results} data-testid="browser-results">
          <div className={styles.head} aria-hidden>
            <span>partition:offset</span>
            <span>message time (UTC)</span>
            <span>
              {kind === 'dead_letters' ? 'stage · code' : kind === 'events' ? 'event type' : 'kind'}
            </span>
            <span>event id</span>
            <span>key</span>
            <span>trace id</span>
          </div>
          {state.events.length === 0 ? (
            <p className={styles.muted}>No message matched.</p>
          ) : (
            state.events.map((e) => (
              <EventRow key={`${e.partition}:${e.offset}:${e.index}`} kind={kind} event={e} />
            ))
          )}
        </div>
      )}
    </Card>
  );
}
