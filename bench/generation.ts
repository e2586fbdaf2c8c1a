/**
 * Prompt-check benchmark (issue #11): loads signed records whose titles and aliases give at least
 * --names names (default 100,000: kanji titles, katakana names, romaji and English aliases), then
 * measures in one run:
 *   - the name index: build time at start-up (names read from the log) and bytes per name;
 *   - in-process: prompt checks of ~200-character prompts per second, against single decisions
 *     from the same decision index per second;
 *   - over HTTP at --connections (default 50): POST /v1/prompt-checks and GET /v1/decision,
 *     requests/s and p99, as a ratio.
 * Goals: >= 5,000 prompts/s in-process; p99 < 5 ms over HTTP at 50 connections.
 *
 *   npx tsx --expose-gc bench/generation.ts [--names N] [--seconds S] [--connections C] [--no-wrk]
 *
 * The HTTP load comes from wrk when it is installed (`apt-get install wrk`), else from a worker
 * thread of this process; either competes with the server for the CPU (2 cores here): figures are a
 * floor. Not part of `npm test`.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type ConsentRecord, type SignedObject, toTimestamp } from '@kyodaku/client';
import { createApp } from '../server/src/app.ts';
import { GenerationIndex } from '../server/src/generation/generation-index.ts';
import { loadNames } from '../server/src/generation/name-loader.ts';
import { promptCheckJson } from '../server/src/generation/routes.ts';
import { openNode } from '../server/src/node.ts';
import { hasWrk, httpLoad, wrkLoad } from './lib/http-load.ts';
import { attestedIssuers, benchNode, numberArg, signRecordJws } from './lib/setup.ts';

const NAMES = numberArg('names', 100_000);
const SECONDS = numberArg('seconds', 5);
const CONNECTIONS = numberArg('connections', 50);
const ISSUERS = 10;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const itemId = (i: number) => `kyodaku:bench.example/characters/${i}`;

// A deterministic generator, so that every run has the same names and prompts.
let state = 0x2545f491;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 0x1_0000_0000;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const MORAE = [
  ['ア', 'a'],
  ['イ', 'i'],
  ['カ', 'ka'],
  ['キ', 'ki'],
  ['ク', 'ku'],
  ['サ', 'sa'],
  ['シ', 'shi'],
  ['ス', 'su'],
  ['タ', 'ta'],
  ['チ', 'chi'],
  ['ツ', 'tsu'],
  ['ナ', 'na'],
  ['ニ', 'ni'],
  ['ハ', 'ha'],
  ['ヒ', 'hi'],
  ['フ', 'fu'],
  ['マ', 'ma'],
  ['ミ', 'mi'],
  ['ム', 'mu'],
  ['ヤ', 'ya'],
  ['ユ', 'yu'],
  ['ヨ', 'yo'],
  ['ラ', 'ra'],
  ['リ', 'ri'],
  ['ル', 'ru'],
  ['レ', 're'],
  ['ロ', 'ro'],
  ['ワ', 'wa'],
  ['ガ', 'ga'],
  ['ゴ', 'go'],
  ['ザ', 'za'],
  ['ジ', 'ji'],
  ['ダ', 'da'],
  ['ド', 'do'],
  ['バ', 'ba'],
  ['ボ', 'bo'],
  ['パ', 'pa'],
  ['キョ', 'kyo'],
  ['シュ', 'shu'],
  ['チャ', 'cha'],
] as const;
const KANJI = [
  ...'星海空月花雪風雷竜鬼神天地光影夢桜紅蒼翠金銀鉄剣刃姫王騎士魔法少女戦記伝物語学園探偵団宇宙都市忍者侍',
];
const FILLER_JA = [
  'のイラストを描いて',
  '、夕焼けの海辺で',
  '、水彩画風、柔らかい光',
  'が笑っている横顔',
  '、雨の夜の新宿',
  '、アニメ調、4K',
  'と猫がいる部屋',
  'の声でこの文章を読み上げて',
  '、劇画調の迫力ある構図',
  '、背景は桜並木',
  '、シネマティックなライティング',
  '、ローファイな雰囲気で',
  '、細密描写、高解像度',
];
const FILLER_EN = [
  ' portrait, soft light,',
  ' in a rainy alley,',
  ' cinematic, 35mm,',
  ' watercolour, pastel,',
];

interface Item {
  ids: string[];
  katakana: string;
  romaji: string;
  kanji: string;
}

function makeItem(i: number): Item {
  const morae = Array.from({ length: 3 + Math.floor(random() * 3) }, () => pick(MORAE));
  const kanji = Array.from({ length: 3 + Math.floor(random() * 4) }, () => pick(KANJI)).join('');
  // The index keeps names unique enough: a number in some of them, as sequels and editions have.
  const suffix = i % 3 === 0 ? '' : String(i);
  return {
    ids: [itemId(i)],
    katakana: morae.map((m) => m[0]).join('') + (suffix ? `・${suffix}` : ''),
    romaji: morae.map((m) => m[1]).join('') + (suffix ? ` ${suffix}` : ''),
    kanji: kanji + suffix,
  };
}

/** A prompt of about 200 characters naming 0 to 3 items in one of their spellings. */
function makePrompt(items: readonly Item[]): string {
  let text = '';
  const names = Math.floor(random() * 4);
  for (let k = 0; text.length < 200; k++) {
    if (k < names) {
      const it = pick(items);
      const spelling = pick([it.katakana, it.kanji, it.romaji, it.romaji.toUpperCase()]);
      text += random() < 0.5 ? `「${spelling}」` : ` ${spelling} `;
    }
    text += random() < 0.8 ? pick(FILLER_JA) : pick(FILLER_EN);
  }
  return text.slice(0, 200);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-bench-gen-'));
  console.log(
    `kyodaku generation bench: >= ${fmt(NAMES)} names, ${SECONDS} s per HTTP run, ${CONNECTIONS} connections, ${availableParallelism()} cores`,
  );
  // Each item has 4 names: kanji title, katakana title, romaji and English aliases; the katakana
  // title and the romaji alias have one match key, so an item has 3 names in the index.
  const count = Math.ceil(NAMES / 3);
  const items = Array.from({ length: count }, (_, i) => makeItem(i));
  const { node, admin, post } = await benchNode(dir);
  const issuers = await attestedIssuers(post, admin, ISSUERS, 'Bench studio');
  const loadStart = performance.now();
  const CHUNK = 5000;
  for (let start = 0; start < count; start += CHUNK) {
    const chunk: SignedObject<'record'>[] = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const it = items[i]!;
      const who = issuers[i % ISSUERS]!;
      const payload = {
        kind: 'record' as const,
        v: 1 as const,
        iss: who.kid,
        work: {
          type: 'character' as const,
          ids: it.ids,
          titles: { ja: it.kanji, 'ja-Kana': it.katakana },
          aliases: { 'ja-Latn': [it.romaji], en: [`The ${it.romaji} Chronicles`] },
        },
        purposes: i % 4 === 0 ? { generate: 'allow' as const } : { 'generate.character': 'deny' as const },
        valid_from: '2026-01-01T00:00:00Z',
        issued_at: '2026-01-01T00:00:00Z',
      };
      const jws = signRecordJws(who, payload);
      chunk.push({
        kind: 'record',
        id: createHash('sha256').update(jws).digest('hex'),
        jws,
        header: { alg: 'Ed25519', kid: who.kid, typ: 'kyodaku-record+jws' },
        payload: payload as unknown as ConsentRecord,
      });
    }
    await node.records.putRecords(chunk, toTimestamp());
  }
  console.log(
    `loaded ${fmt(count)} signed records in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`,
  );
  node.close();

  // Start-up: the node reads the names back from its log and builds the automaton.
  const reopened = await openNode({ db: `file:${join(dir, 'bench.db')}`, dataDir: dir });
  const names = reopened.generation!;
  await names.ready;
  global.gc?.();
  const before = process.memoryUsage();
  const t0 = performance.now();
  const fresh = new GenerationIndex();
  await loadNames(reopened.objects.db, fresh);
  const buildS = (performance.now() - t0) / 1000;
  global.gc?.();
  const after = process.memoryUsage();
  const bytes = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
  const automaton = fresh.automaton;
  console.log(
    `name index: ${fmt(fresh.names)} names (${fmt(automaton.keys)} match keys) of ${fmt(fresh.items)} items, built from the log in ${buildS.toFixed(2)} s (automaton ${(automaton.buildMs / 1000).toFixed(2)} s); ` +
      `${fmt(bytes / 1024 / 1024)} MB, ${fmt(bytes / fresh.names)} B/name (automaton ${fmt(automaton.bytes / fresh.names)} B/name)` +
      (global.gc ? '' : ' (run with --expose-gc for exact memory)'),
  );

  const prompts = Array.from({ length: 2000 }, () => makePrompt(items));
  const purposes = ['generate.character', 'generate.style'] as const;
  const at = toTimestamp();
  let matched = 0;
  for (const text of prompts) matched += names.find(text).length;
  console.log(
    `prompts: ${fmt(prompts.length)} of ${prompts[0]!.length} characters, ${(matched / prompts.length).toFixed(2)} matches each on average; e.g. ${JSON.stringify(prompts[1]!.slice(0, 80))}…`,
  );

  // In-process: prompt checks against single decisions from the same decision index.
  const inProcess = (run: (k: number) => void): number => {
    const end = performance.now() + SECONDS * 1000;
    let n = 0;
    while (performance.now() < end) for (let j = 0; j < 100; j++) run(n++);
    return n / SECONDS;
  };
  const checksPerS = inProcess((k) =>
    promptCheckJson(reopened, names, { text: prompts[k % prompts.length]!, purposes: [...purposes], at }),
  );
  const decisionsPerS = inProcess((k) =>
    reopened.index.answer([itemId(k % count)], 'generate.character', at, true),
  );

  const app = createApp(reopened);
  const server = await new Promise<{ url: string; close: () => void }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
      resolve({ url: `http://127.0.0.1:${info.port}`, close: () => s.close() }),
    );
  });
  const bodies = prompts.map((text) => JSON.stringify({ text, purposes }));
  const decisionPaths = Array.from(
    { length: 1000 },
    (_, k) => `/v1/decision?id=${encodeURIComponent(itemId((k * 7919) % count))}&purpose=generate.character`,
  );
  // wrk runs outside this process when it is installed (it does not share the event loop's core
  // with a JS load loop); the worker-thread loop otherwise.
  const useWrk = hasWrk() && !process.argv.includes('--no-wrk');
  const generator = useWrk ? 'wrk (2 threads, another process)' : 'a worker thread of this process';
  const run = (options: Parameters<typeof httpLoad>[0]) => (useWrk ? wrkLoad(options) : httpLoad(options));
  const load = { seconds: SECONDS, connections: CONNECTIONS };
  const httpChecks = await run({ base: server.url, path: '/v1/prompt-checks', bodies, ...load });
  const httpDecisions = await run({ base: server.url, paths: decisionPaths, ...load });
  server.close();
  reopened.close();
  rmSync(dir, { recursive: true, force: true });

  const ok = (good: boolean) => (good ? 'OK' : 'MISSED');
  console.log('\n| measure | value | ratio / goal |');
  console.log('| --- | --- | --- |');
  console.log(
    `| name index build (start-up, from the log) | ${buildS.toFixed(2)} s for ${fmt(fresh.names)} names | ${fmt(bytes / fresh.names)} B/name |`,
  );
  console.log(`| single decision, in-process | ${fmt(decisionsPerS)} /s | 100% |`);
  console.log(
    `| prompt check (200 chars, 2 purposes), in-process | ${fmt(checksPerS)} prompts/s | ${((100 * checksPerS) / decisionsPerS).toFixed(1)}% of single decisions; goal >= 5,000/s ${ok(checksPerS >= 5000)} |`,
  );
  console.log(
    `| single decision, HTTP | ${fmt(httpDecisions.rps)} req/s, p99 ${httpDecisions.p99.toFixed(2)} ms | 100% |`,
  );
  console.log(
    `| prompt check, HTTP (${CONNECTIONS} connections) | ${fmt(httpChecks.rps)} req/s, p50 ${httpChecks.p50.toFixed(2)} ms, p99 ${httpChecks.p99.toFixed(2)} ms, errors ${httpChecks.errors} | ${((100 * httpChecks.rps) / httpDecisions.rps).toFixed(0)}% of single decisions; goal p99 < 5 ms ${ok(httpChecks.p99 < 5)} |`,
  );
  console.log(
    `\nnote: load from ${generator}; it competes with the server for the ${availableParallelism()} cores, so figures are a floor.`,
  );
}

await main();
