'use client';

import { useState, type FormEvent } from 'react';
import styles from './auth.module.css';
import { postJson } from './post-json.ts';

export function AcceptInviteForm({ token, minLength }: { token: string; minLength: number }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (password !== repeat) {
      setError('the two passwords differ');
      return;
    }
    setPending(true);
    setError(null);
    try {
      await postJson('/api/auth/accept-invite', { token, password });
      window.location.assign('/live');
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  };

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} data-testid="invite-form">
      <label className={styles.label}>
        New password (at least {minLength} characters)
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          minLength={minLength}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          data-testid="invite-password"
        />
      </label>
      <label className={styles.label}>
        Repeat it
        <input
          className="input"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value)}
          required
          data-testid="invite-repeat"
        />
      </label>
      <button type="submit" className="btn btn-primary" disabled={pending} data-testid="invite-submit">
        {pending ? 'Creating your account…' : 'Set password and sign in'}
      </button>
      {error && (
        <span className="field-error" role="alert" data-testid="invite-error">
          {error}
        </span>
      )}
    </form>
  );
}
