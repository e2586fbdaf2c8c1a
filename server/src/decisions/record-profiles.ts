/**
 * The purposes and conditions of records, interned: records with the same purpose map and the
 * same conditions (in practice most of a registry) share one profile, and a record slot keeps only
 * the profile's number. Interned by the JSON text, so that loading from the database parses each
 * distinct text once.
 */
import type { Conditions, ConsentRecord } from '@kyodaku/client';

export interface RecordProfile {
  purposes: ConsentRecord['purposes'];
  conditions?: Conditions;
}

export class RecordProfiles {
  readonly #byKey = new Map<string, number>();
  readonly #list: RecordProfile[] = [];

  get(index: number): RecordProfile {
    return this.#list[index]!;
  }

  /** The profile of a record from the JSON text of its purposes and conditions (null: none). */
  internJson(purposesJson: string, conditionsJson: string | null): number {
    const key = conditionsJson === null ? purposesJson : `${purposesJson}\n${conditionsJson}`;
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    const profile: RecordProfile = { purposes: JSON.parse(purposesJson) as RecordProfile['purposes'] };
    if (conditionsJson !== null) profile.conditions = JSON.parse(conditionsJson) as Conditions;
    this.#list.push(profile);
    this.#byKey.set(key, this.#list.length - 1);
    return this.#list.length - 1;
  }

  /** The profile of a record from its parsed purposes and conditions. */
  intern(purposes: RecordProfile['purposes'], conditions: Conditions | undefined): number {
    return this.internJson(
      JSON.stringify(purposes),
      conditions === undefined ? null : JSON.stringify(conditions),
    );
  }
}
