'use client';

import { useState } from 'react';
import type { IssuedKeyView } from '@tributary/contracts';
import styles from './keys.module.css';

/** The plaintext of a key just issued. Only its hash is stored: this is the only time it is shown. */
export function IssuedKey({ issued, onDismiss }: { issued: IssuedKeyView; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(issued.key);
      setCopied('yes');
    } catch {
      // Clipboard access needs a secure context and permission; the key stays selectable.
      setCopied('failed');
    }
  };
  const what =
    issued.type === 'write' ? `Write key for source "${issued.source}"` : `API key "${issued.name}"`;
  return (
    <section className={`card ${styles.issued}`} data-testid="issued-key" data-key-id={issued.id}>
      <strong>{what} issued</strong>
      <span className="muted small">Copy it now: it is not stored and will not be shown again.</span>
      <div className={styles.secret}>
        <code className="mono" data-testid="issued-key-secret">
          {issued.key}
        </code>
        <button type="button" className="btn btn-small" onClick={() => void copy()} data-testid="copy-key">
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="btn btn-small" onClick={onDismiss} data-testid="dismiss-key">
          Done
        </button>
      </div>
      {copied === 'failed' && (
        <span className="field-hint">Copying was refused by the browser; select the key instead.</span>
      )}
    </section>
  );
}
