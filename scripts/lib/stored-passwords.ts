// Passwords made once per role and kept in the state directory (0600). A role added by a newer
// version gets its own password; the ones already there are kept, so an upgrade does not change
// the logins people and their tools already use (the analyst's in demo.env, for one).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export function ensurePasswords<R extends string>(
  file: string,
  roles: readonly R[],
  valid: (password: string) => boolean,
): Record<R, string> {
  const kept = existsSync(file) ? readKept(file) : {};
  let changed = false;
  const passwords = Object.fromEntries(
    roles.map((r) => {
      const old = kept[r];
      if (typeof old === 'string' && valid(old)) return [r, old];
      changed = true;
      return [r, randomBytes(18).toString('base64url')];
    }),
  ) as Record<R, string>;
  if (changed) writeFileSync(file, JSON.stringify(passwords, null, 2), { mode: 0o600 });
  return passwords;
}

function readKept(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    // Not JSON (cut short by a crash): every role gets a new password.
    return {};
  }
}
