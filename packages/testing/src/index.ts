// Helpers every integration test shares: free ports, polling instead of sleeping, names no
// other test uses, and a real Kafka broker of the test's own.
export { freePort, freePorts } from './ports.ts';
export { eventually } from './eventually.ts';
export { isolatedId, uniquePrefix } from './names.ts';
export { startTestBroker, type TestBroker } from './test-broker.ts';
