'use client';

import { useState } from 'react';
import { splitList } from './definition-draft.ts';
import { TextField } from './text-field.tsx';

/**
 * A list typed as comma-separated text. The text is kept as typed (a trailing comma survives)
 * and the parsed list is handed back on every change.
 */
export function ListField(props: {
  label: string;
  value: readonly string[];
  onChange: (value: string[]) => void;
  readOnly?: boolean;
  hint?: string;
  placeholder?: string;
  testId?: string;
}) {
  const [text, setText] = useState(props.value.join(', '));
  // Shown text follows the value when something else changed it (a reset, another version loaded).
  const shown = sameList(splitList(text), props.value) ? text : props.value.join(', ');
  return (
    <TextField
      label={props.label}
      value={shown}
      readOnly={props.readOnly}
      hint={props.hint}
      placeholder={props.placeholder}
      testId={props.testId}
      onChange={(next) => {
        setText(next);
        props.onChange(splitList(next));
      }}
    />
  );
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
