import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import postgres from 'postgres';
import { openDatabase } from '../../db/client.js';
import { migrateAndSeed } from '../../db/migrate.js';
import { databaseUrl, postgresAnswers, redisAnswers, TEST_DATABASE_URL, TEST_REDIS_URL, tryDockerCompose } from './services.js';

const HOW = `
Integration tests need PostgreSQL and Redis.
  PostgreSQL at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL), e.g.
    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  Redis at ${TEST_REDIS_URL} (set REDIS_URL), e.g.
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  or, with Docker: docker compose up -d --wait postgres redis`;

function templateName(): string {
  const h = createHash('sha256');
  for (const dir of ['db/migrations', 'db/reference']) {
    for (const f of readdirSync(dir).sort()) if (/\.(sql|json)$/.test(f)) h.update(f).update(readFileSync(`${dir}/${f}`));
  }
  return `onedoor_tpl_${h.digest('hex').slice(0, 12)}`;
}

/** Fails at once, saying how to start them, when PostgreSQL or Redis does not answer; builds the template database. */
export default async function setup({ provide }: { provide: (k: string, v: unknown) => void }) {
  let pg = await postgresAnswers();
  let redis = await redisAnswers();
  if ((pg || redis) && tryDockerCompose()) {
    pg = await postgresAnswers();
    redis = await redisAnswers();
  }
  if (pg || redis) {
    throw new Error(`Test services are not answering:${pg ? `\n  PostgreSQL: ${pg}` : ''}${redis ? `\n  Redis: ${redis}` : ''}\n${HOW}`);
  }
  const tpl = templateName();
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${tpl}`;
    if (!exists) {
      const building = `${tpl}_build_${process.pid}`;
      await admin.unsafe(`drop database if exists "${building}"`);
      await admin.unsafe(`create database "${building}"`);
      const url = databaseUrl(building);
      const handle = await openDatabase({ url });
      await migrateAndSeed(handle, url);
      await handle.close();
      // Renamed only once complete, so a half-built template is never used.
      await admin.unsafe(`alter database "${building}" rename to "${tpl}"`).catch(async (err) => {
        await admin.unsafe(`drop database if exists "${building}"`);
        if (!String(err).includes('already exists')) throw err;
      });
    }
    // Databases left by crashed runs (names carry their creation time; only old ones go).
    const stale = await admin`select datname from pg_database where datname like 'onedoor\\_t\\_%'`;
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    for (const { datname } of stale) {
      const born = Number(/^onedoor_t_(\d+)_/.exec(datname)?.[1] ?? 0);
      if (born < hourAgo) await admin.unsafe(`drop database if exists "${datname}" with (force)`).catch(() => {});
    }
  } finally {
    await admin.end();
  }
  provide('templateDb', tpl);
}

declare module 'vitest' {
  export interface ProvidedContext { templateDb: string }
}
