'use client';

import { columnTypes, type ProcessorOutput } from '@tributary/contracts';
import { Button, Card, Select } from '../ui/index.ts';
import { defaultTableName } from './definition-draft.ts';
import { ProblemList } from './problem-list.tsx';
import type { DefinitionProblem } from './refusal.ts';
import styles from './sections.module.css';
import { TextField } from './text-field.tsx';

type Kind = ProcessorOutput['kind'];
type TableOutput = Extract<ProcessorOutput, { kind: 'table' }>;

const kindOptions = [
  { value: 'events', label: 'Main events table (adds derived fields)' },
  { value: 'table', label: 'Own table, one row per event' },
  { value: 'aggregate', label: 'Aggregate table (fed by the aggregate step)' },
] as const;
const typeOptions = columnTypes.map((t) => ({ value: t, label: t }));

function switchKind(output: ProcessorOutput, kind: Kind, processorName: string): ProcessorOutput {
  const table = output.kind === 'events' ? defaultTableName(processorName) : output.table;
  if (kind === 'events') return { kind };
  if (kind === 'aggregate') return { kind, table };
  return {
    kind,
    table: table.replace(/_agg$/, '_rows'),
    columns: [{ name: 'event_type', field: 'event_type', type: 'String' }],
  };
}

function Columns({
  output,
  onChange,
  readOnly,
}: {
  output: TableOutput;
  onChange: (o: TableOutput) => void;
  readOnly: boolean;
}) {
  const set = (i: number, patch: Partial<TableOutput['columns'][number]>) =>
    onChange({ ...output, columns: output.columns.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <div className={styles.columns} data-testid="output-columns">
      {output.columns.map((c, i) => (
        <div key={i} className={styles.column}>
          <TextField
            label="Column"
            value={c.name}
            readOnly={readOnly}
            onChange={(name) => set(i, { name })}
          />
          <TextField
            label="From field"
            value={c.field}
            readOnly={readOnly}
            onChange={(field) => set(i, { field })}
          />
          <Select
            aria-label="Type"
            options={typeOptions}
            value={c.type}
            disabled={readOnly}
            onValue={(type) => set(i, { type })}
          />
          {!readOnly && output.columns.length > 1 ? (
            <Button
              size="small"
              variant="ghost"
              onClick={() => onChange({ ...output, columns: output.columns.filter((_, j) => j !== i) })}
            >
              Remove
            </Button>
          ) : (
            <span />
          )}
        </div>
      ))}
      {!readOnly && (
        <div>
          <Button
            size="small"
            onClick={() =>
              onChange({
                ...output,
                columns: [
                  ...output.columns,
                  { name: `col_${output.columns.length + 1}`, field: 'event_id', type: 'String' },
                ],
              })
            }
          >
            Add column
          </Button>
        </div>
      )}
    </div>
  );
}

/** Where kept events go. The platform creates (and migrates) an own or aggregate table. */
export function OutputEditor(props: {
  output: ProcessorOutput;
  processorName: string;
  onChange: (output: ProcessorOutput) => void;
  readOnly: boolean;
  problems: readonly DefinitionProblem[];
}) {
  const { output, readOnly } = props;
  return (
    <Card title="Output" testId="processor-output">
      <div className={styles.stack}>
        <Select
          aria-label="Output"
          data-testid="output-kind"
          options={kindOptions}
          value={output.kind}
          disabled={readOnly}
          onValue={(kind) => props.onChange(switchKind(output, kind, props.processorName))}
        />
        {output.kind !== 'events' && (
          <TextField
            label="Table"
            value={output.table}
            readOnly={readOnly}
            testId="output-table"
            hint="created in ClickHouse by the platform when the version is published"
            onChange={(table) => props.onChange({ ...output, table })}
          />
        )}
        {output.kind === 'table' && <Columns output={output} readOnly={readOnly} onChange={props.onChange} />}
        <ProblemList problems={props.problems} />
      </div>
    </Card>
  );
}
