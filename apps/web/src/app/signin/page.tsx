import { Suspense } from 'react';
import styles from '../../components/auth/auth.module.css';
import { SignInForm } from '../../components/auth/sign-in-form.tsx';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in · Tributary' };

export default function Page() {
  return (
    <div className={styles.panel}>
      <h1>Sign in</h1>
      <Suspense>
        <SignInForm />
      </Suspense>
      <p className="muted small">
        No account? An admin creates an invite link on the Users page. The first admin&apos;s password is in
        .tributary/demo.env after <code>npm start</code>.
      </p>
    </div>
  );
}
