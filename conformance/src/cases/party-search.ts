/** Parties by name (http-api.md §3.1, REQ-API-102), with the folding of prompt checks. */
import { schemas, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';

const KANA = 'アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ';

/** Katakana and its hiragana spelling, unique to this run (hiragana is katakana less 0x60). */
function runName(runId: string): { katakana: string; hiragana: string } {
  const katakana = [...runId.slice(0, 8)]
    .map((c) => KANA[parseInt(c, 16) * 2 + (c.charCodeAt(0) % 2)]!)
    .join('');
  const hiragana = [...katakana].map((c) => String.fromCharCode(c.charCodeAt(0) - 0x60)).join('');
  return { katakana, hiragana };
}

export const partySearchCases: Case[] = defineCases([
  {
    id: 'core-party-search-by-name',
    requirements: ['REQ-API-102', 'REQ-ID-035'],
    refuses: ['REQ-API-102'],
    level: 'MUST',
    profile: 'core',
    title:
      'GET /v1/parties?name= finds a party by a name in hiragana, fullwidth or another case; a missing, empty or too long name and a bad limit are 400',
    async run(ctx) {
      const { katakana, hiragana } = runName(ctx.suite.runId);
      const latin = `Kyodaku Office ${ctx.suite.runId}`;
      const p = await ctx.newParty('agency');
      const named = await signObject(
        'party',
        { ...p.party, names: { ja: `${katakana}事務所`, en: latin }, issued_at: ctx.time(-60) },
        p.signer,
      );
      expectJson(
        await ctx.post('/v1/parties', named.jws),
        201,
        schemas.PartyView,
        'registering a named party',
      );
      const fullwidth = [...latin.toUpperCase()]
        .map((c) => (c === ' ' ? '\u3000' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))
        .join('');
      for (const query of [hiragana, `${katakana}事務所`, fullwidth, latin.toLowerCase()]) {
        const found = expectJson(
          await ctx.http.get(`/v1/parties?name=${encodeURIComponent(query)}`),
          200,
          schemas.PartyList,
          `GET /v1/parties?name=${query}`,
        );
        check(
          found.parties.some((x) => x.party_id === p.kid),
          `the party named ${katakana}事務所 / ${latin} is not found by ${JSON.stringify(query)} (REQ-API-102)`,
        );
      }
      const none = expectJson(
        await ctx.http.get(`/v1/parties?name=${encodeURIComponent(`${hiragana}ではない名前`)}`),
        200,
        schemas.PartyList,
        'a name nobody has',
      );
      equal(
        none.parties.some((x) => x.party_id === p.kid),
        false,
        'the party is not found by a name that is not in one of its names',
      );
      for (const bad of ['', '?name=', `?name=${'x'.repeat(201)}`, '?name=a&limit=0', '?name=a&limit=101']) {
        expectProblem(await ctx.http.get(`/v1/parties${bad}`), 'invalid-request');
      }
    },
  },
]);
