/**
 * `kyodaku filter` on a Parquet manifest, read with hyparquet (a maintained pure-JavaScript reader,
 * snappy built in): `chunk` rows at a time by row range, so memory is bounded by the chunk and the
 * row groups it touches. The kept rows are written as JSONL (every column; 64-bit integers as
 * decimal strings, bytes as base64).
 */
import type { Writable } from 'node:stream';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { itemOfRecord, type ManifestItem } from './manifest-items.ts';
import { usageError, writeTo } from './output.ts';
import type { Progress } from './progress.ts';

function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

export async function filterParquet(
  file: string,
  sink: Writable,
  fields: readonly string[],
  chunk: number,
  keep: (items: ManifestItem[]) => Promise<boolean[]>,
  progress: Progress,
): Promise<void> {
  if (file === '-') throw usageError('a Parquet manifest is read from a file, not stdin');
  const buffer = await asyncBufferFromFile(file);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (error) {
    throw usageError(`${file} is not a Parquet file: ${(error as Error).message}`);
  }
  const rows = Number(metadata.num_rows);
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    const objects = await parquetReadObjects({ file: buffer, metadata, rowStart: start, rowEnd: end });
    const items = objects.map((row, i) => itemOfRecord(start + i + 1, row, fields));
    const kept = await keep(items);
    const text = objects.filter((_, i) => kept[i]).map((row) => `${JSON.stringify(row, jsonValue)}\n`);
    await writeTo(sink, text.join(''));
    progress.read(Math.round((buffer.byteLength * end) / Math.max(rows, 1)));
    progress.update(end);
  }
}
