'use client';

import { errorText, type ErrorLike } from '../../lib/error-text.ts';
import { Button } from './button.tsx';
import { Field, TextInput } from './field.tsx';

/**
 * The end of a form whose change is hard to undo (a topic created or altered, offsets reset):
 * the name typed again, and the submit button, enabled only once the two match.
 * Test ids: `${testId}-confirm` (the input) and the button's `submitTestId`.
 */
export function TypedConfirm(props: {
  label: string;
  expected: string;
  value: string;
  onChange: (value: string) => void;
  pending: boolean;
  action: string;
  pendingAction: string;
  testId: string;
  submitTestId: string;
  /** Other reasons the form cannot be sent yet. */
  blocked?: boolean;
  danger?: boolean;
  className?: string;
}) {
  return (
    <>
      <Field label={props.label} {...(props.className ? { className: props.className } : {})}>
        {(id) => (
          <TextInput
            id={id}
            mono
            value={props.value}
            onChange={(e) => props.onChange(e.target.value)}
            data-testid={`${props.testId}-confirm`}
          />
        )}
      </Field>
      <Button
        type="submit"
        variant={props.danger ? 'danger' : 'primary'}
        disabled={props.pending || props.blocked || props.value !== props.expected}
        testId={props.submitTestId}
      >
        {props.pending ? props.pendingAction : props.action}
      </Button>
    </>
  );
}

/** A mutation's failure in plain words, under its form. */
export function MutationError({ error, testId }: { error: ErrorLike | null | undefined; testId: string }) {
  if (!error) return null;
  return (
    <p className="field-error" role="alert" data-testid={testId}>
      {errorText(error)}
    </p>
  );
}
