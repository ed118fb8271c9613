/** The control topic: an outbox written in the same transaction as a change, a relay that publishes it, and one follower that dispatches records by kind. */
export { enqueueControl, type ControlKind, type PrismaTx } from './outbox.ts';
export {
  createOutboxRelay,
  type ControlRelayProducer,
  type OutboxRelay,
  type OutboxRelayOptions,
} from './relay.ts';
export {
  createControlFollower,
  type ControlFollower,
  type ControlFollowerOptions,
  type ControlHandlers,
} from './follower.ts';
export type { ControlLogger } from './logger.ts';
