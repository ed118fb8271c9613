import type { ReactNode } from 'react';

export function Stat(props: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
  tone?: 'bad' | 'good';
}) {
  return (
    <div className={`stat${props.tone ? ` stat-${props.tone}` : ''}`}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value" data-testid={props.testId}>
        {props.value}
      </div>
      {props.hint !== undefined && <div className="stat-hint">{props.hint}</div>}
    </div>
  );
}
