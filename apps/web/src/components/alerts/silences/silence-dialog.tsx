'use client';

import { useEffect, useId, useRef } from 'react';
import { SilenceForm } from './silence-form.tsx';
import type { SilenceDraft } from './silence-draft.ts';
import styles from './silences.module.css';

/**
 * The silence form in a modal, opened pre-filled from an alert (or empty). Built on <dialog>:
 * focus stays inside and Escape closes, as the browser does it.
 */
export function SilenceDialog(props: { draft: SilenceDraft | null; title: string; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const open = props.draft !== null;
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      {props.draft && (
        <>
          <h2 id={titleId}>{props.title}</h2>
          <SilenceForm initial={props.draft} onSaved={props.onClose} onCancel={props.onClose} />
        </>
      )}
    </dialog>
  );
}
