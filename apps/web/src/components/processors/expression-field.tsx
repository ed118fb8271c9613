'use client';

import { errorText } from '../../lib/error-text.ts';
import { useExpressionCheck } from '../../hooks/processors.ts';
import { Field, TextInput } from '../ui/index.ts';

/**
 * A CEL expression with the server's syntax check under it, run when typing pauses. The server
 * compiles with the same library the workers use, so "valid" here means the workers accept it.
 */
export function ExpressionField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  readOnly?: boolean;
  hint?: string;
  testId?: string;
}) {
  const { query, checking } = useExpressionCheck(props.value);
  const verdict = query.data;
  let error: string | undefined;
  if (props.value.trim() === '') error = 'an expression is needed';
  else if (!checking && query.error) error = `could not check: ${errorText(query.error)}`;
  else if (!checking && verdict && !verdict.ok) {
    error =
      verdict.position === undefined
        ? (verdict.message ?? 'invalid expression')
        : `${verdict.message ?? 'invalid expression'} (at ${verdict.position})`;
  }
  return (
    <Field
      label={props.label}
      error={error}
      ok={!checking && verdict?.ok ? 'valid expression' : undefined}
      hint={checking ? 'checking…' : props.hint}
      testId={props.testId}
    >
      {(id, describedBy) => (
        <TextInput
          id={id}
          aria-describedby={describedBy}
          mono
          value={props.value}
          readOnly={props.readOnly}
          invalid={error !== undefined}
          data-check={checking ? 'checking' : verdict?.ok ? 'ok' : verdict ? 'invalid' : 'none'}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
