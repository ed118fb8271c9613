import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { topicsDeps } from '../topics/deps.ts';
import { addPartitionsInput, createTopicInput, setTopicConfigInput, topicName } from '../topics/inputs.ts';
import { addPartitions, createTopic, getTopic, listTopics, setTopicConfig } from '../topics/manage-topics.ts';
import { procedure, router } from '../trpc.ts';

export const topicsRouter = router({
  list: procedure('read').query(() => listTopics(topicsDeps())),

  get: procedure('read')
    .input(z.object({ name: topicName }))
    .query(({ input }) => getTopic(topicsDeps(), input.name)),

  create: procedure('topics:write')
    .input(createTopicInput)
    .mutation(({ ctx, input }) => createTopic(topicsDeps(), auditName(ctx.actor), input)),

  addPartitions: procedure('topics:write')
    .input(addPartitionsInput)
    .mutation(({ ctx, input }) => addPartitions(topicsDeps(), auditName(ctx.actor), input)),

  setConfig: procedure('topics:write')
    .input(setTopicConfigInput)
    .mutation(({ ctx, input }) => setTopicConfig(topicsDeps(), auditName(ctx.actor), input)),
});
