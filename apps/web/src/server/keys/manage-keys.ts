// Issuing, listing and revoking keys: what the console's keys router and /api/v1/keys both call,
// so both validate, audit and publish the same way.
import {
  TributaryError,
  issueKeyInputSchema,
  type IssueKeyInput,
  type IssuedKeyView,
  type KeyView,
} from '@tributary/contracts';
import {
  findSourceByName,
  getApiKey,
  getWriteKey,
  issueApiKey,
  issueWriteKeyIn,
  keyState,
  listApiKeys,
  listWriteKeys,
  revokeApiKey,
  revokeWriteKeyIn,
  type ApiKeyRow,
  type Db,
  type WriteKeyRow,
} from '@tributary/db';
import { enqueueControl } from '@tributary/control';
import { kickControl } from '../control.ts';

const iso = (d: Date | null) => d?.toISOString() ?? null;

function apiKeyView(k: ApiKeyRow, now: Date): KeyView {
  return {
    id: k.id,
    type: 'api',
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    source: null,
    state: keyState(k, now),
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    lastUsedAt: iso(k.lastUsedAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
  };
}

function writeKeyView(k: WriteKeyRow, now: Date): KeyView {
  return {
    id: k.id,
    type: 'write',
    name: k.name,
    prefix: k.prefix,
    scopes: [],
    source: k.sourceName,
    state: keyState(k, now),
    createdAt: k.createdAt.toISOString(),
    createdBy: k.createdBy,
    lastUsedAt: iso(k.lastUsedAt),
    expiresAt: iso(k.expiresAt),
    revokedAt: iso(k.revokedAt),
  };
}

export interface KeyLists {
  apiKeys: KeyView[];
  writeKeys: KeyView[];
}

/** Every key, newest first; revoked and expired ones too, marked so. Never a secret. */
export async function listKeys(db: Db): Promise<KeyLists> {
  const now = new Date();
  const [api, write] = await Promise.all([listApiKeys(db), listWriteKeys(db)]);
  return { apiKeys: api.map((k) => apiKeyView(k, now)), writeKeys: write.map((k) => writeKeyView(k, now)) };
}

/** Parses what a client sent (the API's JSON body, the console's form) into an issue request. */
export function parseIssueInput(body: unknown): IssueKeyInput {
  const result = issueKeyInputSchema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TributaryError(
      'bad_request',
      'body must be {"type":"api","name":…,"scopes":[…],"expiresAt"?:…} or {"type":"write","source":…,"name"?:…,"expiresAt"?:…}' +
        (issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''),
    );
  }
  return result.data;
}

/** Issues a key; the answer is the only time its plaintext is ever shown. */
export async function issueKey(db: Db, input: IssueKeyInput, actor: string): Promise<IssuedKeyView> {
  const now = new Date();
  if (input.type === 'api') {
    const issued = await issueApiKey(
      db,
      { name: input.name, scopes: [...input.scopes], expiresAt: input.expiresAt ?? null },
      { actor },
    );
    return { ...apiKeyView(issued.row, now), key: issued.key };
  }
  const source = await findSourceByName(db, input.source);
  if (!source) throw new TributaryError('not_found', `no source named "${input.source}"`);
  // A cached miss of this key (someone tried it early) must not outlive the issue: the hint is
  // written with the key, in one transaction (docs/decisions/control-outbox.md).
  const issued = await db.$transaction(async (tx) => {
    const key = await issueWriteKeyIn(tx, source.id, {
      actor,
      name: input.name ?? null,
      expiresAt: input.expiresAt ?? null,
    });
    await enqueueControl(tx, [{ kind: 'write_keys', name: source.name }]);
    return key;
  });
  kickControl();
  return { ...writeKeyView(issued.row, now), key: issued.key };
}

/**
 * Revokes an API key or a write key by id (404 when neither exists). Revoking a revoked key
 * changes nothing and answers its current view. A write key's revocation is published so ingest
 * refuses it within seconds.
 */
export async function revokeKey(db: Db, id: string, actor: string): Promise<KeyView> {
  const apiKey = await getApiKey(db, id);
  if (apiKey) {
    await revokeApiKey(db, id, { actor });
    return apiKeyView((await getApiKey(db, id))!, new Date());
  }
  const writeKey = await getWriteKey(db, id);
  if (writeKey) {
    const revoked = await db.$transaction(async (tx) => {
      if (!(await revokeWriteKeyIn(tx, id, { actor }))) return false;
      await enqueueControl(tx, [{ kind: 'write_keys', name: writeKey.sourceName }]);
      return true;
    });
    if (revoked) kickControl();
    return writeKeyView((await getWriteKey(db, id))!, new Date());
  }
  throw new TributaryError('not_found', `no API key or write key with id "${id}"`);
}
