import { findInvite, InviteError, MIN_PASSWORD_LENGTH } from '@tributary/db';
import styles from '../../../components/auth/auth.module.css';
import { AcceptInviteForm } from '../../../components/auth/accept-invite-form.tsx';
import { getDb } from '../../../server/db.ts';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Accept invite · Tributary' };

/** The page behind an invite link: who it is for, and a password to set. Public by design. */
export default async function Page({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  let invite: Awaited<ReturnType<typeof findInvite>> | null = null;
  let problem: string | null = null;
  try {
    invite = await findInvite(getDb(), token);
  } catch (err) {
    if (!(err instanceof InviteError)) throw err;
    problem = err.message;
  }
  return (
    <div className={styles.panel}>
      <h1>Welcome to Tributary</h1>
      {invite ? (
        <>
          <p data-testid="invite-for">
            Invite for <strong>{invite.email}</strong> as {invite.role.replace('_', ' ')}.
          </p>
          <AcceptInviteForm token={token} minLength={MIN_PASSWORD_LENGTH} />
        </>
      ) : (
        <p className="field-error" role="alert" data-testid="invite-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
