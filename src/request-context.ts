import { AsyncLocalStorage } from 'node:async_hooks';

/** The HTTP request id of the work in progress, so outbox events (and the jobs they start) carry it. */
const storage = new AsyncLocalStorage<{ requestId: string }>();

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}
export function enterRequestId(requestId: string): void {
  storage.enterWith({ requestId });
}
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
