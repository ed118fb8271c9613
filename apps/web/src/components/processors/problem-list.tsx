import type { DefinitionProblem } from './refusal.ts';
import styles from './sections.module.css';

/** Problems the server found in a section (inputs, output, or the definition as a whole). */
export function ProblemList({
  problems,
  testId,
}: {
  problems: readonly DefinitionProblem[];
  testId?: string;
}) {
  if (problems.length === 0) return null;
  return (
    <ul className={styles.problems} role="alert" data-testid={testId ?? 'section-problems'}>
      {problems.map((p, i) => (
        <li key={i}>
          <code>{p.path}</code> {p.message}
        </li>
      ))}
    </ul>
  );
}
