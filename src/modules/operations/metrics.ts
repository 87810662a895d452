import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; one registry so tests can build many apps. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'onedoor_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'onedoor_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'onedoor_job_duration_seconds', help: 'Job run time in this process', labelNames: ['job', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30], registers: [registry],
    }),
    matchScore: new Histogram({
      name: 'onedoor_match_top_score', help: 'Score of the best proposed offering per matched request',
      buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1], registers: [registry],
    }),
    requestsFiled: new Counter({ name: 'onedoor_requests_filed_total', help: 'Requests accepted at the door', registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
