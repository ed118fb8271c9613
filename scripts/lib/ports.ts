// NOTE: the helper lives in @tributary/testing; re-exported for the orchestration scripts.
export { freePort } from '@tributary/testing';
