import type { ReactNode } from 'react';
import styles from './badge.module.css';

export type BadgeTone = 'neutral' | 'good' | 'warn' | 'bad' | 'info';

export function Badge({
  tone = 'neutral',
  testId,
  children,
}: {
  tone?: BadgeTone;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <span
      className={[styles.badge, tone !== 'neutral' && styles[tone]].filter(Boolean).join(' ')}
      data-testid={testId}
    >
      {children}
    </span>
  );
}
