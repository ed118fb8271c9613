import type { Step } from '@tributary/contracts';
import { Badge, Button, TextInput } from '../../ui/index.ts';
import { stepKindLabels } from '../definition-draft.ts';
import type { DefinitionProblem } from '../refusal.ts';
import { AggregateForm } from './aggregate-form.tsx';
import { DedupeForm } from './dedupe-form.tsx';
import { GeoForm, LookupForm, PiiForm, UaForm } from './enrich-forms.tsx';
import { FilterForm } from './filter-form.tsx';
import styles from './steps.module.css';
import { TransformForm } from './transform-form.tsx';

function StepFields({
  step,
  onChange,
  readOnly,
}: {
  step: Step;
  onChange: (s: Step) => void;
  readOnly: boolean;
}) {
  switch (step.kind) {
    case 'filter':
      return <FilterForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'transform':
      return <TransformForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'enrich_ua':
      return <UaForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'enrich_geo':
      return <GeoForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'enrich_lookup':
      return <LookupForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'pii_hash':
      return <PiiForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'dedupe':
      return <DedupeForm step={step} onChange={onChange} readOnly={readOnly} />;
    case 'aggregate':
      return <AggregateForm step={step} onChange={onChange} readOnly={readOnly} />;
  }
}

/** One step: its kind, id, order controls, its form, and the server's problems with it. */
export function StepCard(props: {
  step: Step;
  index: number;
  count: number;
  readOnly: boolean;
  problems: readonly DefinitionProblem[];
  onChange: (step: Step) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const { step, index, count, readOnly, problems } = props;
  return (
    <div
      className={[styles.step, problems.length > 0 && styles.refused].filter(Boolean).join(' ')}
      data-testid="step"
      data-kind={step.kind}
      data-index={index}
    >
      <div className={styles.stepHead}>
        <Badge tone="info">{index + 1}</Badge>
        <span className={styles.stepTitle}>{stepKindLabels[step.kind]}</span>
        <TextInput
          className={styles.stepId}
          aria-label="Step id"
          mono
          value={step.id}
          readOnly={readOnly}
          onChange={(e) => props.onChange({ ...step, id: e.target.value })}
        />
        <span className={styles.grow} />
        {!readOnly && (
          <>
            <Button size="small" aria-label="Move up" disabled={index === 0} onClick={() => props.onMove(-1)}>
              ↑
            </Button>
            <Button
              size="small"
              aria-label="Move down"
              disabled={index === count - 1}
              onClick={() => props.onMove(1)}
            >
              ↓
            </Button>
            <Button size="small" variant="ghost" testId="remove-step" onClick={props.onRemove}>
              Remove
            </Button>
          </>
        )}
      </div>
      <StepFields step={step} onChange={props.onChange} readOnly={readOnly} />
      {problems.length > 0 && (
        <ul className={styles.problems} data-testid="step-problems" role="alert">
          {problems.map((p, i) => (
            <li key={i}>
              <code>{p.path}</code> {p.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
