import { GEO_DATA_NOTICE } from '@tributary/contracts';
import { FieldRow } from '../../ui/index.ts';
import { ListField } from '../list-field.tsx';
import { TextField } from '../text-field.tsx';
import type { StepFormProps } from './step-form-props.ts';
import styles from './steps.module.css';

/** The field an enrichment reads and the one it writes (user agent, geo). */
function FromTo<S extends { from: string; to: string }>(props: {
  step: S;
  onChange: (step: S) => void;
  readOnly: boolean;
  fromLabel: string;
  toHint: string;
}) {
  const { step, onChange, readOnly } = props;
  return (
    <FieldRow>
      <TextField
        label={props.fromLabel}
        value={step.from}
        readOnly={readOnly}
        onChange={(from) => onChange({ ...step, from })}
      />
      <TextField
        label="Write to"
        value={step.to}
        readOnly={readOnly}
        hint={props.toHint}
        onChange={(to) => onChange({ ...step, to })}
      />
    </FieldRow>
  );
}

export function UaForm({ step, onChange, readOnly }: StepFormProps<'enrich_ua'>) {
  return (
    <FromTo
      step={step}
      onChange={onChange}
      readOnly={readOnly}
      fromLabel="User agent from"
      toHint="receives browser, browser_version, os, device, is_bot"
    />
  );
}

export function GeoForm({ step, onChange, readOnly }: StepFormProps<'enrich_geo'>) {
  return (
    <>
      <FromTo
        step={step}
        onChange={onChange}
        readOnly={readOnly}
        fromLabel="IP from"
        toHint="receives country (ISO 3166-1 alpha-2, or null)"
      />
      {/* The data's licence travels with the feature that uses it. */}
      <p className={styles.notice} data-testid="geo-data-notice">
        {GEO_DATA_NOTICE}
      </p>
    </>
  );
}

export function LookupForm({ step, onChange, readOnly }: StepFormProps<'enrich_lookup'>) {
  return (
    <FieldRow>
      <TextField
        label="Lookup table"
        value={step.table}
        readOnly={readOnly}
        hint="uploaded below, under Lookup tables"
        onChange={(table) => onChange({ ...step, table })}
      />
      <TextField
        label="Key from"
        value={step.key}
        readOnly={readOnly}
        onChange={(key) => onChange({ ...step, key })}
      />
      <TextField
        label="Write to"
        value={step.to}
        readOnly={readOnly}
        hint="receives the matched row, or null"
        onChange={(to) => onChange({ ...step, to })}
      />
    </FieldRow>
  );
}

export function PiiForm({ step, onChange, readOnly }: StepFormProps<'pii_hash'>) {
  return (
    <ListField
      label="Also hash (comma-separated paths)"
      value={step.fields}
      readOnly={readOnly}
      placeholder="data.email, user_id"
      hint="fields the schema registry tags pii are always hashed (HMAC-SHA256 with the deployment's secret)"
      testId="pii-fields"
      onChange={(fields) => onChange({ ...step, fields })}
    />
  );
}
