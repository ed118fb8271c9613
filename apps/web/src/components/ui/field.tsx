import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';
import styles from './field.module.css';

/**
 * A label, the control, and under it either the error (when there is one) or a hint.
 * The control is rendered by `children(id, describedBy)` so the label and messages are tied to it.
 */
export function Field(props: {
  label: ReactNode;
  error?: ReactNode;
  hint?: ReactNode;
  /** A positive note (e.g. "expression is valid"), shown when there is no error. */
  ok?: ReactNode;
  testId?: string;
  className?: string;
  children: (id: string, describedBy: string) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-msg`;
  const hasError = props.error !== undefined && props.error !== null && props.error !== false;
  return (
    <div className={[styles.field, props.className].filter(Boolean).join(' ')} data-testid={props.testId}>
      <label className={styles.label} htmlFor={id}>
        {props.label}
      </label>
      {props.children(id, messageId)}
      {hasError ? (
        <div id={messageId} className={styles.error} role="alert" data-testid="field-error">
          {props.error}
        </div>
      ) : props.ok ? (
        <div id={messageId} className={styles.ok} data-testid="field-ok">
          {props.ok}
        </div>
      ) : props.hint ? (
        <div id={messageId} className={styles.hint}>
          {props.hint}
        </div>
      ) : null}
    </div>
  );
}

/** Fields side by side, wrapping. */
export function FieldRow({ children }: { children: ReactNode }) {
  return <div className={styles.row}>{children}</div>;
}

export function TextInput({
  invalid,
  mono,
  className,
  ...rest
}: InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean; mono?: boolean }) {
  const classes = [styles.input, invalid && styles.invalid, mono && styles.mono, className]
    .filter(Boolean)
    .join(' ');
  return <input className={classes} aria-invalid={invalid || undefined} {...rest} />;
}

export function TextArea({
  invalid,
  mono,
  className,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean; mono?: boolean }) {
  const classes = [styles.input, styles.textarea, invalid && styles.invalid, mono && styles.mono, className]
    .filter(Boolean)
    .join(' ');
  return <textarea className={classes} aria-invalid={invalid || undefined} {...rest} />;
}
