'use client';

import { useEffect, useRef, useState } from 'react';
import styles from './panel-menu.module.css';

export interface PanelMenuItem {
  label: string;
  testId: string;
  disabled?: boolean;
  onSelect: () => void | Promise<void>;
}

/**
 * A panel's small "⋯" menu (export as CSV, as PNG). Closes on a choice, Escape or a click
 * elsewhere; a failed action says so in the menu's place.
 */
export function PanelMenu({ items }: { items: PanelMenuItem[] }) {
  const [open, setOpen] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className={styles.root} ref={root} data-export-skip="">
      <button
        type="button"
        className={styles.trigger}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label="Panel menu"
        title="Export"
        onClick={() => {
          setFailure(null);
          setOpen(!open);
        }}
        data-testid="panel-menu"
      >
        ⋯
      </button>
      {open && (
        <div role="menu" className={styles.menu}>
          {items.map((item) => (
            <button
              key={item.testId}
              type="button"
              role="menuitem"
              className={styles.item}
              disabled={item.disabled}
              onClick={async () => {
                setOpen(false);
                try {
                  await item.onSelect();
                } catch (e) {
                  setFailure(`${item.label} failed: ${e instanceof Error ? e.message : String(e)}`);
                }
              }}
              data-testid={item.testId}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
      {failure && (
        <div role="alert" className={styles.failure} data-testid="panel-menu-error">
          {failure}
        </div>
      )}
    </div>
  );
}
