import { pbkdf2Sync, randomBytes } from 'node:crypto';
import type { ScramMechanism } from './server-properties.ts';
import { bytes, compactBytes, compactString, int32, KafkaWire, Reader, string, uvarint } from './wire.ts';

const SASL_HANDSHAKE = 17;
const SASL_AUTHENTICATE = 36;
const ALTER_USER_SCRAM_CREDENTIALS = 51;

export interface PlainCredentials {
  username: string;
  password: string;
}

/** SASL/PLAIN on a fresh connection (SaslHandshake v1 + SaslAuthenticate v1). Throws on refusal. */
export async function authenticatePlain(wire: KafkaWire, c: PlainCredentials): Promise<void> {
  const hs = new Reader(await wire.request(SASL_HANDSHAKE, 1, string('PLAIN'), false));
  const hsError = hs.int16();
  if (hsError !== 0) throw new Error(`SASL handshake refused PLAIN (error ${hsError})`);
  const token = Buffer.from(`\0${c.username}\0${c.password}`, 'utf8');
  const auth = new Reader(await wire.request(SASL_AUTHENTICATE, 1, bytes(token), false));
  const code = auth.int16();
  const message = auth.nullableString();
  if (code !== 0)
    throw new Error(`SASL authentication as ${c.username} failed: ${message ?? `error ${code}`}`);
}

const SCRAM_MECHANISM_IDS: Record<ScramMechanism, number> = { 'SCRAM-SHA-256': 1, 'SCRAM-SHA-512': 2 };
const SCRAM_HASH: Record<ScramMechanism, { digest: string; length: number }> = {
  'SCRAM-SHA-256': { digest: 'sha256', length: 32 },
  'SCRAM-SHA-512': { digest: 'sha512', length: 64 },
};
/** Kafka accepts 4096..16384; more iterations cost every client connection a little more. */
export const SCRAM_ITERATIONS = 8192;

/**
 * Sets (creates or replaces) SCRAM credentials with AlterUserScramCredentials v0, over a
 * connection authenticated as a super user. The salted password is computed here, as the Java
 * admin client does; the broker never sees the password itself.
 */
export async function upsertScramCredentials(
  wire: KafkaWire,
  mechanism: ScramMechanism,
  users: Record<string, string>,
): Promise<void> {
  const { digest, length } = SCRAM_HASH[mechanism];
  const entries = Object.entries(users);
  const upsertions = entries.map(([name, password]) => {
    const salt = randomBytes(32);
    const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, length, digest);
    const id = Buffer.from([SCRAM_MECHANISM_IDS[mechanism]]);
    return Buffer.concat([
      compactString(name),
      id,
      int32(SCRAM_ITERATIONS),
      compactBytes(salt),
      compactBytes(salted),
      uvarint(0),
    ]);
  });
  const body = Buffer.concat([uvarint(1), uvarint(upsertions.length + 1), ...upsertions, uvarint(0)]);
  const r = new Reader(await wire.request(ALTER_USER_SCRAM_CREDENTIALS, 0, body, true));
  r.int32(); // throttle_time_ms
  const count = r.uvarint() - 1;
  const failures: string[] = [];
  for (let i = 0; i < count; i++) {
    const user = r.compactNullableString();
    const code = r.int16();
    const message = r.compactNullableString();
    r.skipTaggedFields();
    if (code !== 0) failures.push(`${user}: ${message ?? `error ${code}`}`);
  }
  if (failures.length > 0) throw new Error(`setting SCRAM credentials failed: ${failures.join('; ')}`);
}
