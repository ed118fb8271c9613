import styles from './now.module.css';

/** Labels as `name=value` chips, sorted by name so the same labels always read the same. */
export function LabelChips({ labels, label }: { labels: Record<string, string>; label?: string }) {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return <span className="muted">no labels</span>;
  return (
    <ul className={styles.chips} aria-label={label ?? 'Labels'}>
      {names.map((n) => (
        <li key={n} className={styles.chip}>
          {n}={labels[n]}
        </li>
      ))}
    </ul>
  );
}
