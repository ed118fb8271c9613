'use client';

import type { ProcessorDefinition, StepKind } from '@tributary/contracts';
import { useState } from 'react';
import { Button, Card, Select } from '../ui/index.ts';
import { addStep, moveStep, removeStep, replaceStep, stepKindLabels, stepKinds } from './definition-draft.ts';
import type { PlacedProblems } from './refusal.ts';
import styles from './sections.module.css';
import { StepCard } from './steps/step-card.tsx';

const kindOptions = stepKinds.map((k) => ({ value: k, label: stepKindLabels[k] }));

/** The ordered steps, one form per step, with add / remove / reorder. */
export function StepsEditor(props: {
  definition: ProcessorDefinition;
  processorName: string;
  onChange: (def: ProcessorDefinition) => void;
  readOnly: boolean;
  problems: PlacedProblems['steps'];
}) {
  const { definition: def, readOnly } = props;
  const [kind, setKind] = useState<StepKind>('filter');
  return (
    <Card
      title={`Steps (${def.steps.length})`}
      testId="processor-steps"
      actions={
        !readOnly && (
          <>
            <Select
              aria-label="Step kind"
              data-testid="add-step-kind"
              options={kindOptions}
              value={kind}
              onValue={setKind}
            />
            <Button testId="add-step" onClick={() => props.onChange(addStep(def, kind, props.processorName))}>
              Add step
            </Button>
          </>
        )
      }
    >
      <div className={styles.stack}>
        {def.steps.length === 0 && <p className={styles.muted}>No steps: a processor needs at least one.</p>}
        {def.steps.map((step, i) => (
          <StepCard
            // The index keys the card: ids are edited in place and may repeat while typing.
            key={i}
            step={step}
            index={i}
            count={def.steps.length}
            readOnly={readOnly}
            problems={props.problems.get(i) ?? []}
            onChange={(next) => props.onChange(replaceStep(def, i, next))}
            onMove={(by) => props.onChange(moveStep(def, i, by))}
            onRemove={() => props.onChange(removeStep(def, i))}
          />
        ))}
      </div>
    </Card>
  );
}
