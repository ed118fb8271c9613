'use client';

import Link from 'next/link';
import { useProcessorList } from '../../hooks/processors.ts';
import styles from './processors-note.module.css';

/** A line naming the processors running on live traffic, each linking to its page. */
export function ProcessorsNote() {
  const list = useProcessorList();
  const active = (list.data ?? []).filter((p) => p.state === 'active');
  if (active.length === 0) return null;
  return (
    <p className={styles.note} data-testid="live-processors">
      Processors running:{' '}
      {active.map((p, i) => (
        <span key={p.name} data-testid="live-processor" data-processor={p.name}>
          {i > 0 && ', '}
          <Link href={`/processors/${encodeURIComponent(p.name)}`} className="mono">
            {p.name}
          </Link>{' '}
          <span className={styles.muted}>v{p.activeVersion}</span>
        </span>
      ))}
    </p>
  );
}
