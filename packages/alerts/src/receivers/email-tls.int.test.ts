// Email over TLS against real SMTP servers (smtp-server) with a certificate made for this run:
// STARTTLS and TLS from the first byte both verify the server's certificate against the CA
// given, refuse an unknown one, and `starttls` refuses a server that cannot upgrade.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiverSchema } from '@tributary/contracts';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpSettings } from './email.ts';
import { sendTestNotification } from './send-test.ts';

let dir: string;
let cert: string;
const servers: SMTPServer[] = [];
const delivered: Array<{ port: number; secure: boolean; subject: string | undefined }> = [];

/** Starts a server accepting any mail, recording whether the session was encrypted. */
async function start(options: SMTPServerOptions): Promise<number> {
  let port = 0;
  const server = new SMTPServer({
    authOptional: true,
    ...options,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          delivered.push({ port, secure: session.secure, subject: mail.subject });
          callback();
        })
        .catch(callback);
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
  return port;
}

let starttlsPort: number;
let tlsPort: number;
let plainPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'smtp-tls-'));
  // A self-signed certificate for 127.0.0.1: trusted only when passed as `ca`.
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  starttlsPort = await start({ key, cert });
  tlsPort = await start({ key, cert, secure: true });
  plainPort = await start({ disabledCommands: ['STARTTLS'] });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

const receiver = receiverSchema.parse({ kind: 'email', name: 'mail', to: ['oncall@example.com'] });
const send = (smtp: Partial<SmtpSettings> & Pick<SmtpSettings, 'port' | 'security'>) =>
  sendTestNotification(receiver, {
    smtp: { host: '127.0.0.1', from: 'alerts@tributary.test', ...smtp },
    consoleUrl: 'http://console.test',
    now: Date.parse('2026-03-10T12:00:00.000Z'),
    timeoutMs: 10_000,
  });

describe('email over TLS', () => {
  it('STARTTLS upgrades and verifies the certificate against the given CA', async () => {
    delivered.length = 0;
    expect((await send({ port: starttlsPort, security: 'starttls', ca: cert })).kind).toBe('ok');
    expect(delivered).toEqual([
      { port: starttlsPort, secure: true, subject: expect.stringContaining('[TEST]') },
    ]);
  });

  it('TLS from the first byte', async () => {
    delivered.length = 0;
    expect((await send({ port: tlsPort, security: 'tls', ca: cert })).kind).toBe('ok');
    expect(delivered.map((d) => [d.port, d.secure])).toEqual([[tlsPort, true]]);
  });

  it('an unknown certificate is refused: nothing is sent', async () => {
    delivered.length = 0;
    const outcome = await send({ port: starttlsPort, security: 'starttls' });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/self[- ]signed certificate/i);
    expect(delivered).toEqual([]);
  });

  it('starttls refuses a server that cannot upgrade rather than sending in the clear', async () => {
    delivered.length = 0;
    const outcome = await send({ port: plainPort, security: 'starttls', ca: cert });
    expect(outcome.kind).toBe('failed');
    expect(outcome.kind === 'failed' && outcome.reason).toMatch(/^Error upgrading connection with STARTTLS/);
    expect(outcome.kind === 'failed' && outcome.retriable).toBe(false);
    expect(delivered).toEqual([]);
  });
});
