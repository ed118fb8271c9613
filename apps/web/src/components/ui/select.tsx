import type { SelectHTMLAttributes } from 'react';
import styles from './field.module.css';

export interface SelectOption<V extends string> {
  value: V;
  label: string;
}

/** A native select over typed options: `onValue` hands back the option's own type. */
export function Select<V extends string>({
  options,
  value,
  onValue,
  className,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'> & {
  options: readonly SelectOption<V>[];
  value: V;
  onValue: (value: V) => void;
}) {
  return (
    <select
      className={[styles.input, className].filter(Boolean).join(' ')}
      value={value}
      onChange={(e) => {
        const chosen = options.find((o) => o.value === e.target.value);
        if (chosen) onValue(chosen.value);
      }}
      {...rest}
    >
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
