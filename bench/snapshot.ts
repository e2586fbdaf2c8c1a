/**
 * Snapshot benchmark (issue #13): builds the binary fuse filter of N allowed identifiers (default
 * 1,000,000) and measures, in one run, local checks of identifiers (90% absent, as a crawl under
 * opt-in) against the filter and against a plain `Set` of the same identifiers, side by side on the
 * same strings, interleaved over several rounds (the best round of each is kept). Prints ids/s, the
 * ratio to the Set, bits per identifier, the measured false-positive rate and the heap each costs.
 * Goal: >= 5M ids/s at <= 20 bits/id; both the one-id call (fuseContains) and the batch call
 * (fuseContainsEach) are measured.
 *
 *   npx tsx bench/snapshot.ts [--ids N] [--queries Q] [--rounds R]
 */
import { buildFuseFilter, fuseContains, fuseContainsEach } from '@kyodaku/client';
import { numberArg } from './lib/setup.ts';

const IDS = numberArg('ids', 1_000_000, 1);
const QUERIES = numberArg('queries', 2_000_000, 1);
const ROUNDS = numberArg('rounds', 5, 1);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const id = (i: number) => `url:https://www.example.com/articles/2026/${i}/index.html`;
const absent = (i: number) => `url:https://crawl.example.org/pages/${i}/view?ref=feed`;

function heapMb(): number {
  global.gc?.();
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1024 / 1024;
}

const base = heapMb();
const keys = Array.from({ length: IDS }, (_, i) => id(i));
const withKeys = heapMb();
const t0 = performance.now();
const filter = buildFuseFilter(keys);
const buildS = (performance.now() - t0) / 1000;
const t1 = performance.now();
const set = new Set(keys);
const setBuildS = (performance.now() - t1) / 1000;
const withBoth = heapMb();

const queries = Array.from({ length: QUERIES }, (_, i) =>
  i % 10 === 0 ? id(Math.floor(Math.random() * IDS)) : absent(i),
);
let sink = 0;
const measure = (contains: (s: string) => boolean) => {
  const start = performance.now();
  let n = 0;
  for (const q of queries) if (contains(q)) n++;
  sink += n;
  return QUERIES / ((performance.now() - start) / 1000);
};
const out = new Uint8Array(QUERIES);
const measureEach = () => {
  const start = performance.now();
  sink += fuseContainsEach(filter, queries, out);
  return QUERIES / ((performance.now() - start) / 1000);
};
let bestFilter = 0;
let bestEach = 0;
let bestSet = 0;
for (let r = 0; r < ROUNDS; r++) {
  bestEach = Math.max(bestEach, measureEach());
  bestFilter = Math.max(
    bestFilter,
    measure((q) => fuseContains(filter, q)),
  );
  bestSet = Math.max(
    bestSet,
    measure((q) => set.has(q)),
  );
}
let falsePositives = 0;
const FP_TRIALS = 1_000_000;
for (let i = 0; i < FP_TRIALS; i++) if (fuseContains(filter, `kyodaku:absent.example/${i}`)) falsePositives++;

const bits = (filter.fingerprints.length * 16) / IDS;
console.log(
  `kyodaku snapshot bench: ${fmt(IDS)} allowed ids, ${fmt(QUERIES)} queries (10% present), best of ${ROUNDS} rounds`,
);
console.log(`build: filter ${buildS.toFixed(2)} s, Set ${setBuildS.toFixed(2)} s`);
console.log(`filter: ${bits.toFixed(2)} bits/id (${fmt((filter.fingerprints.length * 2) / 1024)} KiB)`);
console.log(
  `false positives: ${falsePositives} of ${fmt(FP_TRIALS)} = ${((100 * falsePositives) / FP_TRIALS).toFixed(4)}% (2^-16 = 0.0015%)`,
);
console.log(
  `heap: identifier strings ${fmt(withKeys - base)} MB; Set + filter ${fmt(withBoth - withKeys)} MB`,
);
console.log('');
console.log('| check | ids/s | ratio to Set |');
console.log('| --- | ---: | ---: |');
console.log(`| Set.has (same strings) | ${fmt(bestSet)} | 1.00 |`);
console.log(
  `| binary fuse filter, one id a call | ${fmt(bestFilter)} | ${(bestFilter / bestSet).toFixed(2)} |`,
);
console.log(
  `| binary fuse filter, fuseContainsEach | ${fmt(bestEach)} | ${(bestEach / bestSet).toFixed(2)} |`,
);
console.log('');
console.log(
  `goal >= 5,000,000 ids/s at <= 20 bits/id: ${bestFilter >= 5e6 && bits <= 20 ? 'met' : 'NOT met'} one id a call, ${bestEach >= 5e6 && bits <= 20 ? 'met' : 'NOT met'} in batches (checksum ${sink % 7})`,
);
