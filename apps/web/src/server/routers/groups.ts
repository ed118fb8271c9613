import { z } from 'zod';
import { auditName } from '../auth/actor.ts';
import { topicsDeps } from '../topics/deps.ts';
import { groupId, lagHistoryInput, resetOffsetsInput } from '../topics/inputs.ts';
import {
  getConsumerGroup,
  getLagHistory,
  listConsumerGroups,
  resetGroupOffsets,
} from '../topics/manage-groups.ts';
import { procedure, router } from '../trpc.ts';

export const groupsRouter = router({
  list: procedure('read').query(() => listConsumerGroups(topicsDeps())),

  get: procedure('read')
    .input(z.object({ groupId }))
    .query(({ input }) => getConsumerGroup(topicsDeps(), input.groupId)),

  lagHistory: procedure('read')
    .input(lagHistoryInput)
    .query(({ ctx, input }) => getLagHistory(ctx.clickhouse, input.groupId, input.hours)),

  resetOffsets: procedure('topics:write')
    .input(resetOffsetsInput)
    .mutation(({ ctx, input }) => resetGroupOffsets(topicsDeps(), auditName(ctx.actor), input)),
});
