/**
 * The body of a large JSON answer (a batch decision: about 140 KB for 1,000 ids) built as UTF-8 in
 * chunks of a few hundred items. One string of the whole answer lands in V8's large-object space,
 * and encoding it (or only measuring its UTF-8 length) costs more than building it: fresh memory
 * per request. Chunks of ~30 KB stay in the young generation, and the encoded chunks join in one
 * array.
 */

/** Items per encoded chunk. */
const CHUNK = 200;

export class JsonArrayBody {
  readonly #parts: Buffer[];
  readonly #close: string;
  #items: string[] = [];
  #written = 0;

  /** `open` ends with the array's `[`; `close` starts with its `]`. */
  constructor(open: string, close: string) {
    this.#parts = [Buffer.from(open)];
    this.#close = close;
  }

  /** Adds one item (JSON text). */
  push(item: string): void {
    this.#items.push(item);
    if (this.#items.length === CHUNK) this.#flush();
  }

  #flush(): void {
    if (this.#items.length === 0) return;
    const text = this.#items.join(',');
    this.#parts.push(Buffer.from(this.#written > 0 ? `,${text}` : text));
    this.#written += this.#items.length;
    this.#items = [];
  }

  /** The whole body. */
  bytes(): Uint8Array<ArrayBuffer> {
    this.#flush();
    this.#parts.push(Buffer.from(this.#close));
    let length = 0;
    for (const part of this.#parts) length += part.length;
    const out = new Uint8Array(length);
    let at = 0;
    for (const part of this.#parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}
