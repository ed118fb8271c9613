// /api/v1/topics: topics as config-as-code, with the API-key auth of the registry API and the
// very functions (validation, protections, audit) the console's procedures call.
import { TributaryError } from '@tributary/contracts';
import type { z } from 'zod';
import { authorize } from '../api/auth.ts';
import { readJson } from '../api/body.ts';
import { handleAudited, json } from '../api/responses.ts';
import { addPartitionsInput, createTopicInput, setTopicConfigInput, topicName } from './inputs.ts';
import {
  addPartitions,
  createTopic,
  getTopic,
  listTopics,
  setTopicConfig,
  type TopicsDeps,
} from './manage-topics.ts';

export interface TopicParams {
  params: Promise<{ name: string }>;
}

const BODY_LIMIT = 16 * 1024;

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TributaryError(
      'bad_request',
      issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid body',
    );
  }
  return result.data;
}

async function nameOf(params: TopicParams['params']): Promise<string> {
  return parse(topicName, (await params).name);
}

/** A JSON object body; the route's own fields (the topic's name) come from the path, not the body. */
async function bodyObject(req: Request): Promise<Record<string, unknown>> {
  const body = await readJson(req, BODY_LIMIT);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new TributaryError('bad_request', 'body must be a JSON object');
  return body as Record<string, unknown>;
}

export function listTopicsHandler(req: Request, deps: TopicsDeps): Promise<Response> {
  return handleAudited(req, async () => {
    await authorize(req, deps.db, 'read');
    // A list at the root of {items}, as every /api/v1 collection answers.
    return json({ items: await listTopics(deps) });
  });
}

export function getTopicHandler(req: Request, ctx: TopicParams, deps: TopicsDeps): Promise<Response> {
  return handleAudited(req, async () => {
    await authorize(req, deps.db, 'read');
    return json(await getTopic(deps, await nameOf(ctx.params)));
  });
}

/** 201 with the topic. Body: {name, partitions, replicationFactor?, retentionMs?, cleanupPolicy?, confirm: name}. */
export function createTopicHandler(req: Request, deps: TopicsDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'topics:write');
    const input = parse(createTopicInput, await bodyObject(req));
    return json(await createTopic(deps, caller.actor, input), 201);
  });
}

/** Body: {partitions, confirm: name}. */
export function addPartitionsHandler(req: Request, ctx: TopicParams, deps: TopicsDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'topics:write');
    const name = await nameOf(ctx.params);
    const input = parse(addPartitionsInput, { ...(await bodyObject(req)), name });
    return json(await addPartitions(deps, caller.actor, input));
  });
}

/** Body: {retentionMs?, cleanupPolicy?, confirm: name}. */
export function setConfigHandler(req: Request, ctx: TopicParams, deps: TopicsDeps): Promise<Response> {
  return handleAudited(req, async () => {
    const caller = await authorize(req, deps.db, 'topics:write');
    const name = await nameOf(ctx.params);
    const input = parse(setTopicConfigInput, { ...(await bodyObject(req)), name });
    return json(await setTopicConfig(deps, caller.actor, input));
  });
}
