/**
 * Parties by name (spec/http-api.md §3.1, REQ-API-102): the match key (identifiers.md §5.1, the
 * folding of prompt checks) of every name of each party's current registration, in memory — the
 * node's own parties and the parties it follows (federation.md §5), an own registration hiding a
 * followed one of the same party. A query finds the parties one of whose name keys contains the
 * query's key; parties are few beside records, so a scan is enough.
 */
import { nameKey } from '@kyodaku/client';

function keysOf(names: Readonly<Record<string, string>>): string[] {
  return [...new Set(Object.values(names).map(nameKey))].filter((k) => k !== '');
}

export class PartyNames {
  /** party id -> the match keys of the names of its current registration. */
  readonly #keys = new Map<string, string[]>();
  /** The same for the registrations of followed parties. */
  readonly #followed = new Map<string, string[]>();

  set(partyId: string, names: Readonly<Record<string, string>>): void {
    this.#keys.set(partyId, keysOf(names));
  }

  /** The names of a followed party's registration (the latest one the node followed). */
  setFollowed(partyId: string, names: Readonly<Record<string, string>>): void {
    this.#followed.set(partyId, keysOf(names));
  }

  /**
   * The ids of the parties whose name keys contain the key of `text`, at most `limit`: those with a
   * name whose key equals it first, then in id order. None when the text has no key.
   */
  search(text: string, limit: number): string[] {
    const key = nameKey(text);
    if (key === '') return [];
    const exact: string[] = [];
    const within: string[] = [];
    const consider = (party: string, keys: readonly string[]) => {
      if (keys.includes(key)) exact.push(party);
      else if (keys.some((k) => k.includes(key))) within.push(party);
    };
    for (const [party, keys] of this.#keys) consider(party, keys);
    for (const [party, keys] of this.#followed) if (!this.#keys.has(party)) consider(party, keys);
    return [...exact.sort(), ...within.sort()].slice(0, limit);
  }
}
