/** Reads a file (or stdin for `-`) line by line with bounded memory, counting the bytes consumed. */
import { createReadStream, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { usageError } from './output.ts';

export interface Line {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Input bytes consumed up to and including this line's chunk. */
  bytes: number;
}

/** Longest line kept whole; a longer line is cut here (it cannot be a valid identifier or JWS anyway). */
const MAX_LINE = 1 << 20;

function unreadable(file: string, error: unknown) {
  return usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
}

/** The size of the input in bytes (for a progress bar), or undefined for stdin. */
export function inputBytes(file: string): number | undefined {
  if (file === '-') return undefined;
  try {
    return statSync(file).size;
  } catch (error) {
    throw unreadable(file, error);
  }
}

export async function* readLines(file: string): AsyncGenerator<Line> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  let bytes = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const text = rest + decoder.write(chunk);
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      if (rest.length > MAX_LINE) rest = rest.slice(0, MAX_LINE);
      for (const line of lines) {
        number++;
        yield { number, text: line.endsWith('\r') ? line.slice(0, -1) : line, bytes };
      }
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') throw unreadable(file, error);
    throw error;
  }
  rest += decoder.end();
  if (rest.length > 0) {
    number++;
    yield { number, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, bytes };
  }
}

/**
 * The items a file's lines make (a line that makes none is skipped), telling `read` how many input
 * bytes were consumed so far (for a progress bar).
 */
export async function* itemsOfLines<T>(
  file: string,
  itemOf: (number: number, text: string) => T | undefined,
  read: (bytes: number) => void,
): AsyncGenerator<T> {
  for await (const line of readLines(file)) {
    read(line.bytes);
    const item = itemOf(line.number, line.text);
    if (item !== undefined) yield item;
  }
}
