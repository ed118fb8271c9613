/** Delivery of grouped notifications: webhooks (generic JSON, Slack) and email over SMTP. */
export * from './outcome.ts';
export * from './payload.ts';
export * from './webhook.ts';
export * from './email.ts';
export * from './deliver.ts';
export * from './send-test.ts';
export * from './retry.ts';
export * from './deliver-record.ts';
