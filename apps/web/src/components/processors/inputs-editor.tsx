'use client';

import { useQuery } from '@tanstack/react-query';
import type { ProcessorDefinition } from '@tributary/contracts';
import { useTRPC } from '../../trpc/react.tsx';
import { QueryError } from '../error-banner.tsx';
import { Card } from '../ui/index.ts';
import { ProblemList } from './problem-list.tsx';
import type { DefinitionProblem } from './refusal.ts';
import styles from './sections.module.css';

type Inputs = ProcessorDefinition['inputs'];

function Picker(props: {
  title: string;
  options: readonly string[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
  readOnly: boolean;
  testId: string;
}) {
  // A chosen name that is no longer listed stays visible, so it can be seen and unticked.
  const all = [...new Set([...props.options, ...props.chosen])].sort();
  return (
    <div data-testid={props.testId}>
      <p className={styles.pickerHead}>
        {props.title}{' '}
        <span className={styles.muted}>
          {props.chosen.length === 0 ? '(all)' : `(${props.chosen.length})`}
        </span>
      </p>
      {all.length === 0 ? (
        <p className={styles.muted}>none registered yet</p>
      ) : (
        <div className={styles.picker}>
          {all.map((name) => (
            <label key={name}>
              <input
                type="checkbox"
                checked={props.chosen.includes(name)}
                disabled={props.readOnly}
                onChange={(e) =>
                  props.onChange(
                    e.target.checked ? [...props.chosen, name] : props.chosen.filter((c) => c !== name),
                  )
                }
              />
              {name}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}

/** Which events the processor reads: event types (registry subjects) and sources; none ticked = all. */
export function InputsEditor(props: {
  inputs: Inputs;
  onChange: (inputs: Inputs) => void;
  readOnly: boolean;
  problems: readonly DefinitionProblem[];
}) {
  const trpc = useTRPC();
  const subjects = useQuery(trpc.schemas.list.queryOptions());
  const sources = useQuery(trpc.sources.list.queryOptions());
  return (
    <Card title="Inputs" testId="processor-inputs">
      <div className={styles.stack}>
        <QueryError queries={[subjects, sources]} compact />
        <Picker
          title="Event types"
          testId="input-event-types"
          options={(subjects.data?.subjects ?? []).map((s) => s.name)}
          chosen={props.inputs.eventTypes}
          readOnly={props.readOnly}
          onChange={(eventTypes) => props.onChange({ ...props.inputs, eventTypes })}
        />
        <Picker
          title="Sources"
          testId="input-sources"
          options={(sources.data?.sources ?? []).map((s) => s.name)}
          chosen={props.inputs.sources}
          readOnly={props.readOnly}
          onChange={(sources) => props.onChange({ ...props.inputs, sources })}
        />
        <ProblemList problems={props.problems} />
      </div>
    </Card>
  );
}
