'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { Button } from './button.tsx';
import styles from './dialog.module.css';

/**
 * A modal question before an action that changes what runs (publish, roll back, pause).
 * Built on <dialog>: focus is trapped and Escape cancels, as the browser does it.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: ReactNode;
  children?: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className={styles.dialog}
      data-testid={props.testId ?? 'confirm-dialog'}
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      {props.open && (
        <>
          <h2 className={styles.title}>{props.title}</h2>
          {props.children !== undefined && <div className={styles.body}>{props.children}</div>}
          <div className={styles.buttons}>
            <Button onClick={props.onCancel} testId="confirm-cancel">
              Cancel
            </Button>
            <Button
              variant={props.danger ? 'danger' : 'primary'}
              onClick={props.onConfirm}
              disabled={props.busy}
              testId="confirm-ok"
            >
              {props.busy ? 'Working…' : props.confirmLabel}
            </Button>
          </div>
        </>
      )}
    </dialog>
  );
}
