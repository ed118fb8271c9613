import { webhookPayloadSchema, type WebhookPayload } from '@tributary/alerts';
import type { Db } from '@tributary/db';

/**
 * The console's local alert inbox: webhook bodies as they arrived, newest first, only the
 * latest INBOX_KEEP of them (a demo receiver, not an archive: alert history is the record).
 */

export const INBOX_KEEP = 500;

/** A JSON value as it came out of JSON.parse, the shape a Json column takes. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface InboxMessage {
  id: string;
  receivedAt: string;
  /** The body read as Tributary's webhook payload v1; null when it is something else. */
  payload: WebhookPayload | null;
  /** The body as it arrived, only when it is not a payload v1 (shown raw). */
  raw?: unknown;
}

/** Stores one body and drops what falls beyond the newest INBOX_KEEP. */
export async function saveInboxMessage(db: Db, body: JsonObject): Promise<{ id: string }> {
  const row = await db.alertInboxMessage.create({ data: { body }, select: { id: true } });
  // NOTE: by time, then id, so messages of the same millisecond are trimmed the same way by
  // two concurrent deliveries.
  await db.$executeRaw`DELETE FROM alert_inbox_messages WHERE id IN (
      SELECT id FROM alert_inbox_messages ORDER BY received_at DESC, id DESC OFFSET ${INBOX_KEEP})`;
  return row;
}

export async function listInboxMessages(
  db: Db,
  opts: { limit: number },
): Promise<{ messages: InboxMessage[]; total: number }> {
  const [rows, total] = await Promise.all([
    db.alertInboxMessage.findMany({ orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }], take: opts.limit }),
    db.alertInboxMessage.count(),
  ]);
  return {
    total,
    messages: rows.map((r) => {
      const parsed = webhookPayloadSchema.safeParse(r.body);
      return {
        id: r.id,
        receivedAt: r.receivedAt.toISOString(),
        payload: parsed.success ? parsed.data : null,
        ...(parsed.success ? {} : { raw: r.body }),
      };
    }),
  };
}
