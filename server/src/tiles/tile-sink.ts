/**
 * Where the sequencer mirrors the log's tiles and checkpoint (KYODAKU_TILES, docs/operations.md
 * §7): a directory, or an S3-compatible bucket, so monitors and mirrors read the log without a
 * node. Paths are the C2SP tlog-tiles paths (`tile/0/x001/234`, `tile/entries/000.p/7`,
 * `checkpoint`) under the directory or the URL's key prefix. S3 credentials and region come from
 * the AWS SDK's usual environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION);
 * KYODAKU_TILES_S3_ENDPOINT names a store other than AWS (path-style requests).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface TileSink {
  /** Stores `bytes` at `path`, whole (a reader never sees part of an object). */
  put(path: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The object at `path`, or undefined if there is none. */
  get(path: string): Promise<Uint8Array | undefined>;
  /** Where it writes, for logs. */
  readonly where: string;
}

export function directorySink(dir: string): TileSink {
  let n = 0;
  return {
    where: dir,
    async put(path, bytes) {
      const target = join(dir, path);
      await mkdir(dirname(target), { recursive: true });
      // Written beside and renamed: a reader sees the old object or the new one, never half.
      const temporary = `${target}.tmp-${process.pid}-${n++}`;
      await writeFile(temporary, bytes);
      await rename(temporary, target);
    },
    async get(path) {
      try {
        return new Uint8Array(await readFile(join(dir, path)));
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT') return undefined;
        throw error;
      }
    },
  };
}

export function s3Sink(bucket: string, prefix: string, endpoint?: string): TileSink {
  const client = new S3Client({
    ...(endpoint !== undefined && { endpoint, forcePathStyle: true }),
    region: process.env.AWS_REGION ?? 'us-east-1',
  });
  const key = (path: string) => (prefix === '' ? path : `${prefix}/${path}`);
  return {
    where: `s3://${bucket}/${prefix}`,
    async put(path, bytes, contentType) {
      await client.send(
        new PutObjectCommand({ Bucket: bucket, Key: key(path), Body: bytes, ContentType: contentType }),
      );
    },
    async get(path) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(path) }));
        return out.Body === undefined ? undefined : await out.Body.transformToByteArray();
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },
  };
}

/** The sink KYODAKU_TILES names: `s3://bucket[/prefix]`, or a directory (relative to `base`). */
export function openTileSink(setting: string, base: string, endpoint?: string): TileSink {
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(setting);
  if (s3 !== null) return s3Sink(s3[1]!, s3[2]!.replace(/\/+$/, ''), endpoint);
  return directorySink(resolve(base, setting.startsWith('file:') ? setting.slice(5) : setting));
}
