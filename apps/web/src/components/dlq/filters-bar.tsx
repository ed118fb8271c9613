'use client';

import { deadLetterStages, deadLetterStatuses } from '@tributary/contracts';
import type { DlqFilterForm } from '../../lib/dlq-filter.ts';

interface Props {
  form: DlqFilterForm;
  onChange: (next: DlqFilterForm) => void;
  codes: readonly string[];
  error: string | null;
  /** Event types the text search left out because their pii is locked for this viewer. */
  textSkippedTypes: readonly string[];
}

/** Narrow the list: every field is optional; text fields apply as you type. */
export function FiltersBar({ form, onChange, codes, error, textSkippedTypes }: Props) {
  const set = (key: keyof DlqFilterForm) => (e: { target: { value: string } }) =>
    onChange({ ...form, [key]: e.target.value });
  const anySet = Object.values(form).some((v) => v !== '');
  return (
    <div className="filters" data-testid="dlq-filters">
      <div className="filters-grid">
        <label className="field">
          <span className="field-label">Stage</span>
          <select className="select" value={form.stage} onChange={set('stage')} data-testid="filter-stage">
            <option value="">any</option>
            {deadLetterStages.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Code</span>
          <select className="select" value={form.code} onChange={set('code')} data-testid="filter-code">
            <option value="">any</option>
            {[...new Set([...codes, ...(form.code ? [form.code] : [])])].map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Event type</span>
          <input
            className="input mono"
            value={form.eventType}
            onChange={set('eventType')}
            placeholder="any"
            spellCheck={false}
            data-testid="filter-event-type"
          />
        </label>
        <label className="field">
          <span className="field-label">Source</span>
          <input
            className="input mono"
            value={form.source}
            onChange={set('source')}
            placeholder="any"
            spellCheck={false}
            data-testid="filter-source"
          />
        </label>
        <label className="field">
          <span className="field-label">Status</span>
          <select className="select" value={form.status} onChange={set('status')} data-testid="filter-status">
            <option value="">all</option>
            {deadLetterStatuses.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field field-wide">
          <span className="field-label">Text in the payload</span>
          <input
            className="input mono"
            value={form.text}
            onChange={set('text')}
            placeholder="e.g. an email, an order id"
            spellCheck={false}
            data-testid="filter-text"
          />
          {textSkippedTypes.length > 0 && (
            <span className="field-hint" data-testid="filter-text-skipped">
              pii fields not searched (unlock pii to search them) in: {textSkippedTypes.join(', ')}
            </span>
          )}
        </label>
      </div>
      <div className="filters-foot">
        {form.reason !== '' && (
          <span className="chip" data-testid="filter-reason">
            <span className="muted">reason</span>{' '}
            <span className="ellipsis chip-text" title={form.reason}>
              {form.reason}
            </span>
            <button
              type="button"
              className="chip-x"
              aria-label="Clear the reason filter"
              onClick={() => onChange({ ...form, reason: '' })}
            >
              ×
            </button>
          </span>
        )}
        {anySet && (
          <button
            type="button"
            className="btn btn-small"
            onClick={() =>
              onChange({ stage: '', code: '', eventType: '', source: '', status: '', text: '', reason: '' })
            }
            data-testid="filter-clear"
          >
            Clear filters
          </button>
        )}
      </div>
      {error && (
        <div className="banner banner-error small-banner" role="alert" data-testid="filter-error">
          Filter refused: {error}
        </div>
      )}
    </div>
  );
}
