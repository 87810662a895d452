import { eq } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.js';
import { attachmentBlobs } from '../../../db/schema/index.js';
import type { Config } from '../../config.js';
import { unavailable } from '../../errors.js';

/**
 * Where attachment bytes live, behind one interface: PostgreSQL (bytea, the embedded default) or
 * any S3-compatible object store when S3_BUCKET is set. A transactional store writes inside the
 * transaction that records the attachment; an object store is written before it and the object
 * removed again when the transaction fails.
 */
export interface BlobStore {
  readonly driver: 'postgres' | 's3';
  readonly transactional: boolean;
  /** Stores the bytes under `key` (inside `tx` when transactional). */
  put(key: string, data: Buffer, mediaType: string, tx?: DbOrTx): Promise<void>;
  get(key: string): Promise<Buffer>;
  remove(key: string): Promise<void>;
}

/** Bytes in the attachment_blobs table, written in the caller's transaction. */
export function createPostgresBlobStore(db: Db): BlobStore {
  return {
    driver: 'postgres',
    transactional: true,
    async put(key, data, _mediaType, tx = db) {
      await tx.insert(attachmentBlobs).values({ key, content: data });
    },
    async get(key) {
      const [row] = await db.select({ content: attachmentBlobs.content }).from(attachmentBlobs).where(eq(attachmentBlobs.key, key));
      if (!row) throw new Error(`attachment blob ${key} is missing`);
      return row.content;
    },
    async remove(key) {
      await db.delete(attachmentBlobs).where(eq(attachmentBlobs.key, key));
    },
  };
}

type S3Settings = Pick<Config, 'S3_BUCKET' | 'S3_ENDPOINT' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE' | 'S3_PREFIX'>;

/** Bytes in an S3-compatible bucket (AWS SDK v3), under S3_PREFIX. */
export function createS3BlobStore(c: S3Settings & { S3_BUCKET: string }): BlobStore {
  // The SDK is loaded at the first object read or written, not with every process that starts.
  let sdk: Promise<{ s3: typeof import('@aws-sdk/client-s3'); client: import('@aws-sdk/client-s3').S3Client }> | undefined;
  const open = () => (sdk ??= import('@aws-sdk/client-s3').then((s3) => ({ s3, client: new s3.S3Client({
    region: c.S3_REGION,
    ...(c.S3_ENDPOINT ? { endpoint: c.S3_ENDPOINT } : {}),
    forcePathStyle: c.S3_FORCE_PATH_STYLE,
    ...(c.S3_ACCESS_KEY_ID && c.S3_SECRET_ACCESS_KEY ? { credentials: { accessKeyId: c.S3_ACCESS_KEY_ID, secretAccessKey: c.S3_SECRET_ACCESS_KEY } } : {}),
    // The SDK's newer default checksums (CRC32 headers and trailers) are not understood by every
    // S3-compatible store; send them only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  }) })));
  const Bucket = c.S3_BUCKET;
  const Key = (key: string) => `${c.S3_PREFIX}${key}`;
  return {
    driver: 's3',
    transactional: false,
    async put(key, data, mediaType) {
      const { s3, client } = await open();
      await client.send(new s3.PutObjectCommand({ Bucket, Key: Key(key), Body: data, ContentType: mediaType, ContentLength: data.length }));
    },
    async get(key) {
      const { s3, client } = await open();
      const res = await client.send(new s3.GetObjectCommand({ Bucket, Key: Key(key) }));
      if (!res.Body) throw new Error(`object ${key} has no body`);
      return Buffer.from(await res.Body.transformToByteArray());
    },
    async remove(key) {
      const { s3, client } = await open();
      await client.send(new s3.DeleteObjectCommand({ Bucket, Key: Key(key) }));
    },
  };
}

/** The store the configuration asks for: S3 when S3_BUCKET is set, else the database. */
export function createBlobStore(db: Db, config: S3Settings): BlobStore {
  return config.S3_BUCKET ? createS3BlobStore({ ...config, S3_BUCKET: config.S3_BUCKET }) : createPostgresBlobStore(db);
}

/**
 * Stores the bytes and writes the records that point at them as one unit: inside the transaction
 * for the database store; for an object store, the objects first and removed again if the
 * transaction fails (a record never points at nothing; an object left by a crash between the two
 * points at nothing and harms no one).
 */
export async function storeWithRecords<T>(db: Db, store: BlobStore, blobs: readonly { key: string; data: Buffer; mediaType: string }[], writeRecords: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if (store.transactional) {
    return db.transaction(async (tx) => {
      const out = await writeRecords(tx);
      for (const b of blobs) await store.put(b.key, b.data, b.mediaType, tx);
      return out;
    });
  }
  const stored: string[] = [];
  try {
    for (const b of blobs) {
      await store.put(b.key, b.data, b.mediaType).catch((err: unknown) => {
        throw Object.assign(unavailable('The document store is not reachable; nothing was saved. Try again shortly.'), { cause: err });
      });
      stored.push(b.key);
    }
    return await db.transaction((tx) => writeRecords(tx));
  } catch (err) {
    for (const key of stored) await store.remove(key).catch(() => { /* left for the bucket's lifecycle rules */ });
    throw err;
  }
}
