'use client';

import type { ProcessorDefinition } from '@tributary/contracts';
import { useState } from 'react';
import { useDefinitionCheck, useProcessorActions } from '../../hooks/processors.ts';
import type { ErrorLike } from '../../lib/error-text.ts';
import { ErrorBanner } from '../error-banner.tsx';
import { Button, Card, Field, TextInput } from '../ui/index.ts';
import { InputsEditor } from './inputs-editor.tsx';
import { OutputEditor } from './output-editor.tsx';
import { PreviewPanel } from './preview-panel.tsx';
import { ProblemList } from './problem-list.tsx';
import { placeProblems, refusalProblems, type DefinitionProblem } from './refusal.ts';
import styles from './sections.module.css';
import { StepsEditor } from './steps-editor.tsx';

type Verdict =
  | { kind: 'problems'; problems: DefinitionProblem[] }
  | { kind: 'ok'; warnings: string[]; fieldsUnchecked: string | null };

/**
 * The definition being edited, starting from a saved version (or an empty one). Saving stores it
 * as the next version; versions are immutable, so nothing already saved changes. A refusal's
 * problems are shown beside the step or section each path names.
 */
export function DraftEditor(props: {
  name: string;
  initial: ProcessorDefinition;
  baseVersion: number | null;
  canWrite: boolean;
  onSaved: (version: number) => void;
}) {
  const { createVersion } = useProcessorActions();
  const checkDefinition = useDefinitionCheck();
  const [definition, setDefinition] = useState(props.initial);
  const [dirty, setDirty] = useState(props.baseVersion === null);
  const [note, setNote] = useState('');
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [checkError, setCheckError] = useState<ErrorLike | null>(null);
  const [checking, setChecking] = useState(false);
  const readOnly = !props.canWrite;
  const placed = placeProblems(verdict?.kind === 'problems' ? verdict.problems : []);

  const edit = (next: ProcessorDefinition) => {
    setDefinition(next);
    setDirty(true);
  };
  /** Every problem (the refusal's own words name only the first few). */
  const runCheck = async (fallback: DefinitionProblem[] | null) => {
    setChecking(true);
    setCheckError(null);
    try {
      const r = await checkDefinition(definition, props.name);
      setVerdict(
        r.ok
          ? { kind: 'ok', warnings: r.warnings, fieldsUnchecked: r.fieldsUnchecked }
          : { kind: 'problems', problems: r.errors },
      );
    } catch (err) {
      setCheckError(err as ErrorLike);
      if (fallback) setVerdict({ kind: 'problems', problems: fallback });
    } finally {
      setChecking(false);
    }
  };
  const save = () =>
    createVersion.mutate(
      { name: props.name, definition, note },
      {
        onSuccess: (r) => {
          setNote('');
          setDirty(false);
          setVerdict(null);
          props.onSaved(r.version);
        },
        onError: (err) => {
          const problems = refusalProblems(err);
          if (problems) void runCheck(problems);
        },
      },
    );
  return (
    <div className={styles.stack}>
      <InputsEditor
        inputs={definition.inputs}
        readOnly={readOnly}
        problems={placed.inputs}
        onChange={(inputs) => edit({ ...definition, inputs })}
      />
      <StepsEditor
        definition={definition}
        processorName={props.name}
        readOnly={readOnly}
        problems={placed.steps}
        onChange={edit}
      />
      <OutputEditor
        output={definition.output}
        processorName={props.name}
        readOnly={readOnly}
        problems={placed.output}
        onChange={(output) => edit({ ...definition, output })}
      />
      <Card title={props.canWrite ? 'Save as a new version' : 'Check'} testId="save-version">
        <div className={styles.stack}>
          <div className={styles.row}>
            {props.canWrite && (
              <Field label="Note (what changed and why)" className="grow">
                {(id) => (
                  <TextInput
                    id={id}
                    value={note}
                    data-testid="version-note"
                    onChange={(e) => setNote(e.target.value)}
                  />
                )}
              </Field>
            )}
            <Button testId="check-definition" disabled={checking} onClick={() => void runCheck(null)}>
              {checking ? 'Checking…' : 'Check'}
            </Button>
            {props.canWrite && (
              <Button
                variant="primary"
                testId="save-version-button"
                disabled={!dirty || createVersion.isPending}
                onClick={save}
              >
                {createVersion.isPending ? 'Saving…' : 'Save version'}
              </Button>
            )}
          </div>
          {!dirty && props.baseVersion !== null && (
            <p className={styles.muted}>
              Showing v{props.baseVersion} as saved; edit it to save a new version.
            </p>
          )}
          <ErrorBanner error={createVersion.error} compact title="Version refused" testId="version-refused" />
          <ErrorBanner error={checkError} compact title="Could not check" testId="check-error" />
          {verdict?.kind === 'ok' && (
            <div data-testid="check-ok">
              <p className="good-text small">No problems: this definition can be saved.</p>
              {verdict.warnings.map((w) => (
                <p key={w} className="field-error">
                  {w}
                </p>
              ))}
              {verdict.fieldsUnchecked && (
                <p className={styles.muted}>Fields not checked: {verdict.fieldsUnchecked}</p>
              )}
            </div>
          )}
          {verdict?.kind === 'problems' && (
            <p className="field-error" data-testid="check-problems">
              {verdict.problems.length === 1 ? '1 problem' : `${verdict.problems.length} problems`}, shown
              beside the step or section each concerns.
            </p>
          )}
          {/* Problems with a step are shown on the step; these belong to no section. */}
          <ProblemList problems={placed.other} testId="definition-problems" />
        </div>
      </Card>
      <PreviewPanel definition={definition} />
    </div>
  );
}
