/** Bad prompt checks of the `generation` profile (REQ-GEN-008): one case per body or media type. */
import type { Case } from '../../case.ts';
import { expectProblem } from '../../expect.ts';
import { PATH } from './support.ts';

/** Bad prompt checks (REQ-GEN-008): the body, its media type, and the problem expected. */
const REFUSALS: Array<{ name: string; body: string; type?: string; problem: string }> = [
  {
    name: 'media-type',
    body: '{"text":"x","purposes":["generate"]}',
    type: 'text/plain',
    problem: 'unsupported-media-type',
  },
  { name: 'not-json', body: '{"text":', problem: 'malformed-json' },
  { name: 'lone-surrogate', body: '{"text":"\\ud800","purposes":["generate"]}', problem: 'malformed-json' },
  { name: 'no-text', body: '{"purposes":["generate"]}', problem: 'invalid-request' },
  { name: 'empty-text', body: '{"text":"","purposes":["generate"]}', problem: 'invalid-request' },
  { name: 'text-not-string', body: '{"text":42,"purposes":["generate"]}', problem: 'invalid-request' },
  { name: 'no-purposes', body: '{"text":"x"}', problem: 'invalid-request' },
  {
    name: 'repeated-purpose',
    body: '{"text":"x","purposes":["generate","generate"]}',
    problem: 'invalid-request',
  },
  {
    name: 'bad-at',
    body: '{"text":"x","purposes":["generate"],"at":"2026-02-30T00:00:00Z"}',
    problem: 'invalid-request',
  },
  {
    name: 'unknown-member',
    body: '{"text":"x","purposes":["generate"],"prompt":"x"}',
    problem: 'invalid-request',
  },
  { name: 'unknown-purpose', body: '{"text":"x","purposes":["generate.music"]}', problem: 'unknown-purpose' },
  {
    name: 'text-too-long',
    body: JSON.stringify({ text: 'あ'.repeat(16_385), purposes: ['generate'] }),
    problem: 'payload-too-large',
  },
];

export const refusalCases: Case[] = REFUSALS.map((r) => ({
  id: `generation-refuse-${r.name}`,
  requirements: ['REQ-GEN-008', 'REQ-ERR-001'],
  refuses: ['REQ-GEN-008'],
  level: 'MUST' as const,
  profile: 'generation' as const,
  title: `POST ${PATH} ${r.name.replaceAll('-', ' ')}: ${r.problem}`,
  async run(ctx) {
    expectProblem(await ctx.post(PATH, r.body, r.type ?? 'application/json'), r.problem);
  },
}));
