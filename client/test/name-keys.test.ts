/** Match keys (spec/identifiers.md §5.1) against spec/vectors/name-keys.json, and the name index search. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Automaton } from '../src/names/automaton.ts';
import { NameIndex } from '../src/names/name-index.ts';
import { nameKey, textKey } from '../src/names/name-key.ts';
import { read, specRequirements } from './helpers/identifier-vectors.ts';

interface KeyVector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: string;
  kind: 'name' | 'text';
  result: 'valid';
  output: string;
}

const vectors = JSON.parse(read('spec/vectors/name-keys.json')) as {
  algorithm: string;
  numberOfTests: number;
  notes: Record<string, string>;
  tests: KeyVector[];
};

describe('spec/vectors/name-keys.json', () => {
  it('is well-formed and shows every rule of §5.1', () => {
    expect(vectors.algorithm).toBe('kyodaku-name-key');
    expect(vectors.tests).toHaveLength(vectors.numberOfTests);
    vectors.tests.forEach((v, i) => {
      expect(v.tcId).toBe(i + 1);
      for (const id of v.requirements) expect(specRequirements, id).toContain(id);
      for (const flag of v.flags) expect(vectors.notes, flag).toHaveProperty(flag);
    });
    const cited = new Set(vectors.tests.flatMap((v) => v.requirements));
    expect([...cited].sort()).toEqual(['REQ-ID-035', 'REQ-ID-036', 'REQ-ID-037', 'REQ-ID-038']);
  });

  for (const v of vectors.tests) {
    it(`tcId ${v.tcId} (${v.kind}): ${v.comment}`, () => {
      expect(v.kind === 'name' ? nameKey(v.input) : textKey(v.input).key).toBe(v.output);
    });
  }
});

describe('textKey', () => {
  it('keeps for every key character the clusters it came from', () => {
    const t = textKey('ナルトとSon Goku');
    expect(t.key).toBe('narutotosongoku');
    // ナ is cluster 0: "na" comes from it; the space (cluster 7) is removed.
    expect([t.first[0], t.last[1]]).toEqual([0, 0]);
    expect(t.first[t.key.indexOf('g')]).toBe(8);
    expect(Array.from(t.clusterCp)).toEqual([...Array(13).keys()]);
  });

  it('joins a merged long vowel to the letter before it', () => {
    const t = textKey('ゴクウ');
    expect(t.key).toBe('goku');
    expect(t.last[3]).toBe(2);
  });

  it('counts code points and UTF-16 code units of astral characters', () => {
    const t = textKey('𠮷野家');
    expect(t.key).toBe('𠮷野家');
    expect(Array.from(t.clusterCp)).toEqual([0, 1, 2, 3]);
    expect(Array.from(t.clusterU16)).toEqual([0, 2, 3, 4]);
  });
});

describe('Automaton', () => {
  it('finds every occurrence of every key, overlapping ones included', () => {
    const keys = ['he', 'she', 'his', 'hers'];
    const a = Automaton.build(keys);
    const found: string[] = [];
    a.search('ushers', (k, end) => found.push(`${keys[k]}@${end}`));
    expect(found.sort()).toEqual(['he@3', 'hers@5', 'she@3']);
  });

  it('refuses empty and repeated keys', () => {
    expect(() => Automaton.build([''])).toThrow(RangeError);
    expect(() => Automaton.build(['a', 'a'])).toThrow(RangeError);
  });

  it('agrees with a naive search (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'ナ', 'ル', '𠮷');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 12 }),
        fc.array(alphabet, { maxLength: 30 }),
        (keys, chars) => {
          const text = chars.join('');
          const got: string[] = [];
          Automaton.build(keys).search(text, (k, end) => got.push(`${k}:${end}`));
          const expected: string[] = [];
          keys.forEach((key, k) => {
            for (let i = text.indexOf(key); i >= 0; i = text.indexOf(key, i + 1))
              expected.push(`${k}:${i + key.length - 1}`);
          });
          expect(got.sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('NameIndex', () => {
  const index = new NameIndex<string>();
  for (const name of ['Naruto', 'Son Goku', '孫悟空', 'Uzumaki', 'Ran', 'ルフィ', 'ya', '葵', '!!!'])
    index.add(name, name);
  const found = (text: string) =>
    index
      .search(text)
      .map((m) => `${index.valuesOf(m.key)[0]}@${m.start}-${m.end}:${text.slice(m.startU16, m.endU16)}`)
      .sort();

  it('finds romanized names in kana and kana names in Latin, with spans of the text', () => {
    expect(found('ナルトとSon Gokuが戦う絵')).toEqual(['Naruto@0-3:ナルト', 'Son Goku@4-12:Son Goku']);
    expect(found('ｿﾝ ｺﾞｸｳ vs 孫悟空')).toEqual(['Son Goku@0-7:ｿﾝ ｺﾞｸｳ', '孫悟空@11-14:孫悟空']);
    expect(found('なるとを描いて')).toEqual(['Naruto@0-3:なると']);
    expect(found('draw Rufi, please')).toEqual(['ルフィ@5-9:Rufi']);
  });

  it('does not match inside a word of a spaced script (REQ-GEN-003 rule 3)', () => {
    expect(found('an orange cat')).toEqual([]);
    expect(found('draw Rufio')).toEqual([]);
    expect(found('person goku')).toEqual([]);
    expect(found('Ran away')).toEqual(['Ran@0-3:Ran']);
    expect(found('NARUTO-kun')).toEqual(['Naruto@0-6:NARUTO']);
  });

  it('matches inside Japanese text, but never inside one kana syllable (rule 2)', () => {
    expect(found('葵色の空')).toEqual(['葵@0-1:葵']);
    expect(found('きゃりー')).toEqual([]);
    expect(found('やま')).toEqual(['ya@0-1:や']);
  });

  it('leaves out names whose key is empty, and sees names added after a search', () => {
    expect(index.add('・', 'dot')).toBe(false);
    expect(found('Kenshin')).toEqual([]);
    index.add('ケンシン', 'ケンシン');
    expect(found('Kenshin')).toEqual(['ケンシン@0-7:Kenshin']);
  });

  it('finds names added one at a time between searches, with few automata', () => {
    const growing = new NameIndex<number>();
    for (let i = 0; i < 3000; i++) {
      growing.add(`Name${i}x`, i);
      if (i % 7 === 0) {
        const found = growing
          .search(`see Name${i}x and Name${i >> 1}x`)
          .map((m) => growing.valuesOf(m.key)[0]);
        expect([...new Set(found)].sort((a, b) => a! - b!)).toEqual([...new Set([i >> 1, i])]);
      }
    }
    growing.build();
    expect(growing.automata).toBeLessThanOrEqual(8);
  });
});
