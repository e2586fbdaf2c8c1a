/** What a parser of a foreign signal found wrong (errors) or could not carry over (warnings), by line. */
export interface Finding {
  /** 1-based line of the input, when the input has lines. */
  line?: number;
  message: string;
}

export interface Parsed<T> {
  value: T;
  errors: Finding[];
  warnings: Finding[];
}

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** `line N: message` or the message alone. */
export function formatFinding(f: Finding): string {
  return f.line === undefined ? f.message : `line ${f.line}: ${f.message}`;
}
