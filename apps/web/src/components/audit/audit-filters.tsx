'use client';

/** What the person typed or picked; empty strings mean "any". Times are datetime-local values. */
export interface AuditFilterForm {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FORM: AuditFilterForm = {
  actor: '',
  action: '',
  entity: '',
  entityId: '',
  from: '',
  to: '',
};

interface Props {
  form: AuditFilterForm;
  onChange: (next: AuditFilterForm) => void;
  actions: readonly string[];
  entities: readonly string[];
}

/** Narrow the audit trail by who, what, which entity and when; every field is optional. */
export function AuditFilters({ form, onChange, actions, entities }: Props) {
  const set = (key: keyof AuditFilterForm) => (e: { target: { value: string } }) =>
    onChange({ ...form, [key]: e.target.value });
  const anySet = Object.values(form).some((v) => v !== '');
  return (
    <div className="filters" data-testid="audit-filters">
      <div className="filters-grid">
        <label className="field">
          <span className="field-label">Actor</span>
          <input
            className="input mono"
            value={form.actor}
            onChange={set('actor')}
            placeholder="e.g. alice@ or api_key:ci"
            spellCheck={false}
            data-testid="audit-filter-actor"
          />
        </label>
        <label className="field">
          <span className="field-label">Action</span>
          <select
            className="select"
            value={form.action}
            onChange={set('action')}
            data-testid="audit-filter-action"
          >
            <option value="">any</option>
            {withCurrent(actions, form.action).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Entity</span>
          <select
            className="select"
            value={form.entity}
            onChange={set('entity')}
            data-testid="audit-filter-entity"
          >
            <option value="">any</option>
            {withCurrent(entities, form.entity).map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">Entity id</span>
          <input
            className="input mono"
            value={form.entityId}
            onChange={set('entityId')}
            placeholder="any"
            spellCheck={false}
            data-testid="audit-filter-entity-id"
          />
        </label>
        <label className="field">
          <span className="field-label">From</span>
          <input
            type="datetime-local"
            className="input"
            value={form.from}
            onChange={set('from')}
            data-testid="audit-filter-from"
          />
        </label>
        <label className="field">
          <span className="field-label">Until</span>
          <input
            type="datetime-local"
            className="input"
            value={form.to}
            onChange={set('to')}
            data-testid="audit-filter-to"
          />
        </label>
      </div>
      {anySet && (
        <button type="button" className="btn btn-small" onClick={() => onChange(EMPTY_AUDIT_FORM)}>
          Clear filters
        </button>
      )}
    </div>
  );
}

function withCurrent(options: readonly string[], current: string): string[] {
  return [...new Set([...options, ...(current ? [current] : [])])];
}
