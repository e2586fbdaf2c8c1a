/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
const WIDTH = 24;
const INTERVAL_MS = 100;

export class Progress {
  readonly #enabled: boolean;
  readonly #totalBytes: number | undefined;
  readonly #unit: string;
  readonly #started = Date.now();
  #last = 0;
  #items = 0;
  #bytes = 0;

  /** `unit` names what is counted (`ids`, `objects`); `totalBytes` is the input's size, when known. */
  constructor(options: { enabled: boolean; unit: string; totalBytes: number | undefined }) {
    this.#enabled = options.enabled && process.stderr.isTTY === true;
    this.#unit = options.unit;
    this.#totalBytes = options.totalBytes && options.totalBytes > 0 ? options.totalBytes : undefined;
  }

  /** Notes the input bytes consumed so far. */
  read(bytes: number): void {
    this.#bytes = bytes;
  }

  /** Reports the items answered so far. */
  update(items: number): void {
    this.#items = items;
    const now = Date.now();
    if (!this.#enabled || now - this.#last < INTERVAL_MS) return;
    this.#last = now;
    this.#draw(now);
  }

  #draw(now: number): void {
    const seconds = Math.max((now - this.#started) / 1000, 0.001);
    const rate = Math.round(this.#items / seconds);
    let bar = '';
    if (this.#totalBytes !== undefined) {
      const fraction = Math.min(this.#bytes / this.#totalBytes, 1);
      const filled = Math.round(fraction * WIDTH);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  `;
    }
    process.stderr.write(
      `\r${bar}${this.#items.toLocaleString('en')} ${this.#unit}  ${rate.toLocaleString('en')} ${this.#unit}/s\x1b[K`,
    );
  }

  /** Draws the final state and ends the line. */
  done(): void {
    if (!this.#enabled) return;
    this.#draw(Date.now());
    process.stderr.write('\n');
  }
}
