export * from './envelope.ts';
export * from './topics.ts';
export * from './dead-letter.ts';
export * from './pipeline.ts';
export * from './errors.ts';
export * from './events-message.ts';
export * from './config.ts';
export * from './control.ts';
