/** Actions keyed by a name (a peer URL) that run one at a time per key, in the order they came. */
export class SerialActions {
  readonly #last = new Map<string, Promise<unknown>>();

  /** Runs `action` once every earlier action on the same key has settled. */
  run<T>(key: string, action: () => Promise<T>): Promise<T> {
    const before = this.#last.get(key) ?? Promise.resolve();
    const run = before.then(action, action);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#last.set(key, settled);
    void settled.then(() => {
      if (this.#last.get(key) === settled) this.#last.delete(key);
    });
    return run;
  }
}
