/** Language tags of titles and aliases (spec/identifiers.md REQ-ID-032): well-formed per RFC 5646. */
import { describe, expect, it } from 'vitest';
import { schemas } from '../src/index.ts';

const VALID = [
  'ja',
  'en',
  'ja-Latn',
  'ja-Hira',
  'zh-Hant-TW',
  'en-US',
  'es-419',
  'sl-rozaj-biske',
  'de-CH-1901',
  'ja-JP-u-ca-japanese',
  'en-a-bbb-x-a-ccc',
  'x-whatever',
  'qaa-Qaaa-QM-x-southern',
  'zh-yue-HK',
  'i-klingon',
  'en-GB-oed',
  'EN-us',
];
const INVALID = [
  'en-a1',
  'ja-Latn-Hira',
  'de-419-DE',
  'a-DE',
  'ar-a-aaa-b-bbb-a-ccc-x',
  'en-',
  '-en',
  'en--US',
  'e',
  'toolonglang',
  'en-x',
  'ja-u',
  'not a tag!',
  'ja_JP',
  'ｊａ',
];

describe('REQ-ID-032: language tags', () => {
  for (const tag of VALID) {
    it(`accepts ${tag}`, () => {
      expect(schemas.LangText.safeParse({ [tag]: 'x' }).success).toBe(true);
    });
  }
  for (const tag of INVALID) {
    it(`refuses ${JSON.stringify(tag)}`, () => {
      expect(schemas.LangText.safeParse({ [tag]: 'x' }).success).toBe(false);
      expect(schemas.LangNames.safeParse({ [tag]: ['x'] }).success).toBe(false);
    });
  }
});
