/**
 * A generator's guard at generation time: before a (stub) renderer draws or speaks a prompt, ask a
 * Kyodaku node whether the prompt names a character, voice, likeness or work whose rights holder
 * has not allowed the use (POST /v1/prompt-checks through the SDK). Denied prompts are refused with
 * the reasons; conditional ones are rendered with the terms attached; the rest are rendered.
 *
 *   npm run guard -w @kyodaku/examples -- --node http://127.0.0.1:8787 [--mode image|voice] "PROMPT"
 *   npm run guard -w @kyodaku/examples -- --node http://127.0.0.1:8787 --file prompts.txt
 *
 * Exit code: 0 when every prompt was rendered (with or without terms), 1 when one was refused,
 * 2 on an error.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KyodakuError, KyodakuNode, type schemas } from '@kyodaku/client';

/** The purposes a renderer needs for its output. */
export const PURPOSES_BY_MODE = {
  image: ['generate.character', 'generate.likeness', 'generate.style'],
  voice: ['generate.voice'],
} as const;

export type Mode = keyof typeof PURPOSES_BY_MODE;

/** Which purposes matter for an item of each type (a character is not a likeness). */
const RELEVANT: Record<string, readonly string[]> = {
  character: ['generate.character'],
  likeness: ['generate.likeness'],
  voice: ['generate.voice'],
  work: ['generate.character', 'generate.style'],
};

/** The decisions of a match that matter for the renderer's output. */
function relevant(m: schemas.PromptMatch): Array<[string, schemas.PromptMatch['decisions'][string]]> {
  return Object.entries(m.decisions).filter(([purpose]) => RELEVANT[m.item.type]?.includes(purpose));
}

export interface GuardResult {
  prompt: string;
  verdict: 'rendered' | 'rendered-with-terms' | 'refused';
  /** What a person reads: why a prompt was refused, or the terms it was rendered under. */
  lines: string[];
  check: schemas.PromptCheckResponse;
}

/** The stub renderer: a real one would draw or speak here. */
function render(prompt: string, mode: Mode): string {
  return `[${mode} rendered for "${prompt}"]`;
}

function describe(m: schemas.PromptMatch): string {
  const via = m.via ? ` (linked from ${m.via.join(', ')})` : '';
  return `"${m.text}" at [${m.start}, ${m.end}) names ${m.item.type} ${m.item.ids.join(' ')} ("${m.name}")${via}`;
}

export async function guard(node: KyodakuNode, prompt: string, mode: Mode): Promise<GuardResult> {
  const check = await node.promptCheck({ text: prompt, purposes: [...PURPOSES_BY_MODE[mode]] });
  const lines: string[] = [];
  const refusals = check.matches.flatMap((m) =>
    relevant(m)
      .filter(([, d]) => d.decision === 'deny')
      .map(([purpose, d]) => {
        const why = d.reasons.includes('no-record')
          ? 'no record in force allows it (opt-in: deny by default)'
          : d.reasons.includes('denied')
            ? `the rights holder denies it (record ${d.records.join(', ')})`
            : `no record grants it (records ${d.records.join(', ')})`;
        return `${describe(m)}: ${purpose} refused: ${why}`;
      }),
  );
  if (refusals.length > 0) return { prompt, verdict: 'refused', lines: refusals, check };
  for (const m of check.matches) {
    for (const [purpose, d] of relevant(m)) {
      for (const c of d.conditions ?? []) {
        const terms: string[] = [];
        if (c.conditions.attribution?.required) {
          const text = c.conditions.attribution.text;
          terms.push(`credit ${text?.ja ?? text?.en ?? 'the rights holder'}`);
        }
        const pay = c.conditions.compensation;
        if (pay) {
          const amount = [pay.amount, pay.currency].filter(Boolean).join(' ');
          terms.push(`pay ${amount ? `${amount} ` : ''}(${pay.model}${pay.unit ? `, per ${pay.unit}` : ''})`);
        }
        if (c.conditions.territory) terms.push(`only in ${c.conditions.territory.join(', ')}`);
        lines.push(
          `${describe(m)}: ${purpose} allowed on terms: ${terms.join('; ') || 'see the record'} (record ${c.record})`,
        );
      }
    }
  }
  const verdict = lines.length > 0 ? 'rendered-with-terms' : 'rendered';
  lines.push(render(prompt, mode));
  return { prompt, verdict, lines, check };
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      node: { type: 'string', default: process.env.KYODAKU_NODE ?? 'http://127.0.0.1:8787' },
      mode: { type: 'string', default: 'image' },
      file: { type: 'string' },
    },
  });
  const mode = values.mode as Mode;
  if (!(mode in PURPOSES_BY_MODE)) throw new Error('--mode is image or voice');
  const prompts =
    values.file !== undefined
      ? readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), values.file), 'utf8')
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.length > 0 && !l.startsWith('#'))
      : [positionals.join(' ')].filter((p) => p.length > 0);
  if (prompts.length === 0) throw new Error('give a prompt, or --file');
  const node = new KyodakuNode(values.node!, { headers: { 'user-agent': 'kyodaku-example-guard/0.1' } });
  let refused = 0;
  for (const prompt of prompts) {
    const result = await guard(node, prompt, mode);
    if (result.verdict === 'refused') refused++;
    console.log(`${result.verdict.toUpperCase()}  ${prompt}`);
    for (const line of result.lines) console.log(`  ${line}`);
  }
  console.log(`${prompts.length} prompts: ${prompts.length - refused} rendered, ${refused} refused`);
  return refused > 0 ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(
        `guard: ${error instanceof KyodakuError ? `${error.code}: ${error.message}` : (error as Error).message}`,
      );
      process.exit(2);
    },
  );
}
