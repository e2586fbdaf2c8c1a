/** Reads a file (or stdin for `-`) line by line with bounded memory, counting the bytes consumed. */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export interface Line {
  /** 1-based line number. */
  number: number;
  text: string;
  /** Input bytes consumed up to and including this line's chunk. */
  bytes: number;
}

/** Longest line kept whole; a longer line is cut here (it cannot be a valid identifier anyway). */
const MAX_LINE = 1 << 20;

export async function* readLines(file: string): AsyncGenerator<Line> {
  const stream = file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 1 << 16 });
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let number = 0;
  let bytes = 0;
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
  rest += decoder.end();
  if (rest.length > 0) {
    number++;
    yield { number, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest, bytes };
  }
}
