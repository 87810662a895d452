import { runLatencyBench } from './bench/latency-bench.js';
console.log(await runLatencyBench({ dbUrl: 'postgres://postgres@127.0.0.1:5432/odlat', redisUrl: 'redis://127.0.0.1:6379', rate: 2, seconds: 8, offerings: 50 }));
process.exit(0);
