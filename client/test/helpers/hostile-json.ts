/**
 * fast-check arbitraries of hostile JSON for the property tests: strings with lone surrogates,
 * non-characters, controls and astral characters; deep and wide texts; numbers beyond a double.
 */
import fc from 'fast-check';
import { naiveCanonical } from './reference-jcs.ts';

/** One "character" of a hostile string (a unit of fast-check's string arbitrary). */
export const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '/', '<', 'é', 'あ', '葵', 'ｱ') },
  { weight: 2, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('\ufffe', '\uffff', '\ufdd0', '\ufdef', '\u{1fffe}', '\u{10ffff}', '\ufeff'),
  },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\b', '\t', '\n', '\u001f', '\u007f', '\u2028') },
  { weight: 2, arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) },
);

export const hostileString = (maxLength = 12) => fc.string({ unit: hostileUnit, maxLength });

/** A name or title: mostly printable Unicode (so that schemas accept a share), sometimes hostile. */
export const nameString = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: hostileString(10) },
);

/** Any JSON value of bounded depth whose strings and member names are hostile. */
export const hostileValue = (maxDepth = 4) =>
  fc.jsonValue({ maxDepth, stringUnit: hostileUnit }) as fc.Arbitrary<unknown>;

/** Number literals a JSON text may hold that a double does not carry exactly (or JSON does not allow). */
export const hostileNumber = fc.constantFrom(
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '9007199254740993',
  '-0',
  '1.0',
  '1E2',
  '0.1',
  '5e-324',
  '1.7976931348623157e308',
  '1.7976931348623159e308',
  '00',
  '.5',
  'NaN',
  'Infinity',
);

const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;
const mixed = (depth: number) => {
  let open = '';
  let close = '';
  for (let i = 0; i < depth; i++) {
    if (i % 2 === 0) {
      open += '[0,';
      close = `]${close}`;
    } else {
      open += '{"k":';
      close = `}${close}`;
    }
  }
  return `${open}1${close}`;
};

/** Nesting around the limit of 32 levels, and far beyond it. */
export const depth = fc.oneof(fc.integer({ min: 28, max: 36 }), fc.integer({ min: 0, max: 20_000 }));

export const deepText = fc
  .tuple(depth, fc.constantFrom(nestedArrays, nestedObjects, mixed))
  .map(([d, make]) => make(d));

/** Arrays and objects of around `limit` elements or members. */
export const wideText = (limit: number) =>
  fc
    .tuple(fc.integer({ min: limit - 3, max: limit + 3 }), fc.boolean())
    .map(([n, array]) =>
      array
        ? `[${Array(n).fill(0).join(',')}]`
        : `{${Array.from({ length: n }, (_, i) => `"m${String(i).padStart(6, '0')}":0`).join(',')}}`,
    );

/** A JSON object text with one more member `"~"` (sorting after ASCII names) holding `value`. */
export const withLastMember = (objectText: string, value: string) =>
  objectText === '{}' ? `{"~":${value}}` : `${objectText.slice(0, -1)},"~":${value}}`;

/** Ways to write an object as (almost) JSON text, hostile or not. */
export type TextForm = (object: Record<string, unknown>) => string;

/**
 * A way to write an object: its naive canonical form (lone surrogates escaped), JSON.stringify
 * forms, that form with a deep, wide, hostile or numeric last member, or a deep text instead.
 */
export const textForm = (wideLimit = 1000): fc.Arbitrary<TextForm> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant<TextForm>(naiveCanonical) },
    { weight: 1, arbitrary: fc.constant<TextForm>((o) => JSON.stringify(o)) },
    { weight: 1, arbitrary: fc.constant<TextForm>((o) => JSON.stringify(o, null, 1)) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(deepText, wideText(wideLimit), hostileNumber, hostileValue().map(naiveCanonical))
        .map(
          (value): TextForm =>
            (o) =>
              withLastMember(naiveCanonical(o), value),
        ),
    },
    {
      weight: 1,
      arbitrary: deepText.map(
        (text): TextForm =>
          () =>
            text,
      ),
    },
  );

/** A text of `object` written in one of the forms of textForm. */
export const textAround = (object: fc.Arbitrary<Record<string, unknown>>, wideLimit = 1000) =>
  fc.tuple(object, textForm(wideLimit)).map(([o, form]) => form(o));
