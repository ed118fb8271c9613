import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookPayloadSchema, type WebhookPayload } from '@tributary/alerts';

/**
 * A real HTTP server on loopback that takes alert webhooks: each body is checked against the
 * payload's schema (a malformed one fails the test through the server's error) and kept, with
 * when it arrived.
 */
export async function startWebhookSink(): Promise<{
  url: string;
  received: Array<{ at: number; payload: WebhookPayload }>;
  close(): Promise<void>;
}> {
  const received: Array<{ at: number; payload: WebhookPayload }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const payload = webhookPayloadSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      received.push({ at: Date.now(), payload });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
