import type { ButtonHTMLAttributes } from 'react';
import styles from './button.module.css';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: 'default' | 'primary' | 'danger' | 'ghost';
  size?: 'normal' | 'small';
  testId?: string;
}

/** A button that never submits a form by accident: `type` is "button" unless said otherwise. */
export function Button({
  variant = 'default',
  size = 'normal',
  testId,
  className,
  type,
  ...rest
}: ButtonProps) {
  const classes = [
    styles.button,
    variant !== 'default' && styles[variant],
    size === 'small' && styles.small,
    className,
  ]
    .filter(Boolean)
    .join(' ');
  return <button type={type ?? 'button'} className={classes} data-testid={testId} {...rest} />;
}
