import { Field, TextInput } from '../ui/index.ts';

/** A labelled one-line text input (field paths, names). */
export function TextField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  readOnly?: boolean;
  hint?: string;
  error?: string;
  mono?: boolean;
  placeholder?: string;
  testId?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {(id, describedBy) => (
        <TextInput
          id={id}
          aria-describedby={describedBy}
          mono={props.mono ?? true}
          value={props.value}
          placeholder={props.placeholder}
          readOnly={props.readOnly}
          data-testid={props.testId}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A labelled whole-number input; text that is not a number leaves the value unchanged. */
export function NumberField(props: {
  label: string;
  value: number;
  onChange: (value: number) => void;
  readOnly?: boolean;
  hint?: string;
  testId?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint}>
      {(id, describedBy) => (
        <TextInput
          id={id}
          aria-describedby={describedBy}
          type="number"
          min={0}
          value={Number.isFinite(props.value) ? props.value : ''}
          readOnly={props.readOnly}
          data-testid={props.testId}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (e.target.value !== '' && Number.isFinite(n)) props.onChange(Math.trunc(n));
          }}
        />
      )}
    </Field>
  );
}
