import type { Config } from '../config.js';
import { BullMqQueueDriver } from './bullmq.driver.js';
import { InProcessQueueDriver } from './in-process.driver.js';
import { retryPolicies, type MailRetryConfig } from './jobs.js';
import type { QueueDriver } from './queue.driver.js';

export * from './jobs.js';
export type { QueueDriver, DeadLetter } from './queue.driver.js';
export { InProcessQueueDriver, BullMqQueueDriver };

/** BullMQ when REDIS_URL is set, else the in-process driver. */
export function createQueueDriver(config: Pick<Config, 'REDIS_URL' | 'QUEUE_PREFIX' | 'JOB_LOCK_MS'> & MailRetryConfig): QueueDriver {
  const retry = retryPolicies(config);
  return config.REDIS_URL ? new BullMqQueueDriver(config.REDIS_URL, config.QUEUE_PREFIX, config.JOB_LOCK_MS, retry) : new InProcessQueueDriver(retry);
}
