'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import styles from './auth.module.css';
import { postJson, safeNext } from './post-json.ts';

export function SignInForm() {
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(null);
    try {
      await postJson('/api/auth/sign-in', { email, password });
      queryClient.clear();
      // A full navigation: every server-rendered page is rendered again for the person.
      window.location.assign(safeNext(params.get('next')));
    } catch (err) {
      setError((err as Error).message);
      setPending(false);
    }
  };

  return (
    <form className={`card ${styles.form}`} onSubmit={submit} data-testid="signin-form">
      <label className={styles.label}>
        Email
        <input
          className="input"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
          data-testid="signin-email"
        />
      </label>
      <label className={styles.label}>
        Password
        <input
          className="input"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          data-testid="signin-password"
        />
      </label>
      <button type="submit" className="btn btn-primary" disabled={pending} data-testid="signin-submit">
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
      {error && (
        <span className="field-error" role="alert" data-testid="signin-error">
          {error}
        </span>
      )}
    </form>
  );
}
