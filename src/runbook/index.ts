/** The runbook engine's public surface: durable, idempotent, resumable failover executions. */
export { type ActiveIndex, createDynamoActiveIndex, createMemoryActiveIndex } from './active-index.js';
export { createRunbookRunner } from './runner.js';
export * from './types.js';
