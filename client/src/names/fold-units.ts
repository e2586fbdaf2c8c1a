/**
 * The reused buffers of match-key folding: units under construction (a code point with the first and
 * last cluster of the input it came from) and the per-cluster facts of the text being folded.
 */
/** Units under construction: code point, first and last cluster of the source (reused buffers). */
export class Units {
  cp = new Int32Array(1024);
  first = new Int32Array(1024);
  last = new Int32Array(1024);
  n = 0;

  reset(): this {
    this.n = 0;
    return this;
  }

  push(cp: number, first: number, last: number): void {
    if (this.n === this.cp.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.cp = grow(this.cp);
      this.first = grow(this.first);
      this.last = grow(this.last);
    }
    this.cp[this.n] = cp;
    this.first[this.n] = first;
    this.last[this.n] = last;
    this.n++;
  }

  pushLetters(letters: string, first: number, last: number): void {
    for (let k = 0; k < letters.length; k++) this.push(letters.charCodeAt(k), first, last);
  }

  adjacent(a: number, b: number): boolean {
    return this.first[b]! <= this.last[a]! + 1;
  }
}

/** Per-cluster facts of the text being folded (reused buffers). */
export class Clusters {
  cp = new Int32Array(1024);
  u16 = new Int32Array(1024);
  word = new Uint8Array(1024);
  script = new Uint8Array(1024);
  n = 0;

  push(cp: number, u16: number, word: number, script: number): void {
    if (this.n === this.cp.length) {
      const size = this.cp.length * 2;
      const i32 = (a: Int32Array) => {
        const b = new Int32Array(size);
        b.set(a);
        return b;
      };
      const u8 = (a: Uint8Array) => {
        const b = new Uint8Array(size);
        b.set(a);
        return b;
      };
      this.cp = i32(this.cp);
      this.u16 = i32(this.u16);
      this.word = u8(this.word);
      this.script = u8(this.script);
    }
    this.cp[this.n] = cp;
    this.u16[this.n] = u16;
    this.word[this.n] = word;
    this.script[this.n] = script;
    this.n++;
  }
}
