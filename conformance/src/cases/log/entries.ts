/** The log profile: entries, inclusion proofs, tiles, the entries feed (spec/log.md §3, §6.1). */
import {
  type AdminRequest,
  leafHashOfEntry,
  rootFromLeafHashes,
  verifyInclusion,
  verifyObject,
} from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import type { Context } from '../../context.ts';
import { check, equal } from '../../expect.ts';
import { b64, fetchCheckpoint, getBytes, proofOf, tileIndexPath } from './support.ts';

/** Publishes a fresh record and returns it with the log ref of its 201 answer (REQ-API-072). */
async function publishLogged(ctx: Context) {
  const party = await ctx.sharedParty('log-publisher');
  const record = await ctx.publishRecord(party);
  const log = (record.view as { log?: { index?: unknown; leaf_hash?: unknown } }).log;
  check(log !== undefined, 'the 201 answer has no "log" member (REQ-API-072, REQ-LOG-004)');
  check(
    Number.isSafeInteger(log.index) && (log.index as number) >= 0,
    `log.index ${String(log.index)} is not an index`,
  );
  equal(
    log.leaf_hash,
    b64(leafHashOfEntry(record.jws)),
    'log.leaf_hash (the leaf hash of the JWS, REQ-LOG-021)',
  );
  return { ...record, index: log.index as number };
}

export const logEntryCases: Case[] = defineCases([
  {
    id: 'log-admin-request-verifiable',
    requirements: ['REQ-API-004', 'REQ-LOG-001'],
    level: 'MUST',
    profile: 'log',
    title: 'the admin request behind an attestation is in the log and verifies with admin_public_key alone',
    async run(ctx) {
      const party = await ctx.party('rights-holder', { attest: false });
      const attestation = await ctx.attest(party.kid);
      const index = attestation.log?.index;
      check(index !== undefined, 'the attestation view has no log member (REQ-API-072)');
      const before = Math.max(0, index - 8);
      const res = await ctx.http.get(
        `/v1/log/entries?${before === 0 ? '' : `after=${before - 1}&`}limit=${index - before}`,
      );
      check(res.status === 200, `GET /v1/log/entries: ${res.status} (REQ-API-076)`);
      const entries = (res.json as { entries?: Array<{ jws?: unknown }> }).entries ?? [];
      const key = ctx.suite.wellKnown.admin_public_key;
      let found = false;
      for (const entry of entries) {
        let request: AdminRequest;
        try {
          request = (await verifyObject(entry.jws, 'admin', () => key)).payload;
        } catch {
          continue;
        }
        if (request.action === 'attest' && request.party === party.kid) found = true;
      }
      check(
        found,
        `no entry before the attestation (index ${index}) is an attest request for the party that verifies with admin_public_key`,
      );
    },
  },
  {
    id: 'log-publish-index',
    requirements: ['REQ-API-072', 'REQ-LOG-001', 'REQ-LOG-004', 'REQ-LOG-021', 'REQ-API-076'],
    level: 'MUST',
    profile: 'log',
    title: 'publishing names the entry index and leaf hash; the entry at that index is the exact JWS',
    async run(ctx) {
      const record = await publishLogged(ctx);
      const res = await ctx.http.get(
        `/v1/log/entries?${record.index === 0 ? '' : `after=${record.index - 1}&`}limit=1`,
      );
      check(res.status === 200, `GET /v1/log/entries: ${res.status} (REQ-API-076)`);
      const entries = (res.json as { entries?: Array<{ index?: unknown; jws?: unknown }> }).entries ?? [];
      check(entries.length === 1, `expected one entry, got ${entries.length}`);
      equal(entries[0]!.index, record.index, 'entries[0].index');
      check(
        entries[0]!.jws === record.jws,
        'the entry is not the exact JWS that was published (REQ-LOG-001)',
      );
      const view = await ctx.recordView(record.id);
      equal(
        (view as { log?: unknown }).log,
        record.view.log,
        'the log member of GET /v1/records/{id} (REQ-API-072)',
      );
    },
  },
  {
    id: 'log-inclusion-fresh',
    requirements: [
      'REQ-API-071',
      'REQ-API-073',
      'REQ-LOG-003',
      'REQ-LOG-012',
      'REQ-LOG-014',
      'REQ-LOG-015',
      'REQ-LOG-018',
    ],
    level: 'MUST',
    profile: 'log',
    title:
      'a freshly published record is in the next checkpoint: its inclusion proof verifies against the signed root',
    async run(ctx) {
      const record = await publishLogged(ctx);
      const cp = await fetchCheckpoint(ctx);
      check(
        record.index < cp.size,
        `the checkpoint (size ${cp.size}) does not cover the acknowledged entry ${record.index} (REQ-API-071)`,
      );
      // The size comes from the signed checkpoint, never from the proof response (REQ-LOG-018).
      const res = await ctx.http.get(`/v1/log/proof/inclusion?index=${record.index}&size=${cp.size}`);
      check(res.status === 200, `inclusion proof: status ${res.status} (REQ-API-073)`);
      const body = res.json as { leaf_hash?: unknown };
      equal(
        body.leaf_hash,
        b64(leafHashOfEntry(record.jws)),
        'leaf_hash of the proof response (REQ-LOG-021)',
      );
      const proof = proofOf(res.json, 'inclusion proof');
      check(
        verifyInclusion(leafHashOfEntry(record.jws), record.index, cp.size, proof, cp.rootHash),
        `the inclusion proof of entry ${record.index} does not verify against the checkpoint of size ${cp.size} (REQ-LOG-014)`,
      );
    },
  },
  {
    id: 'log-tiles-agree',
    requirements: ['REQ-API-075', 'REQ-LOG-012', 'REQ-LOG-005'],
    level: 'MUST',
    profile: 'log',
    title:
      'the level-0 tile and entry bundle of a fresh entry hold its leaf hash and its JWS; small logs recompute to the root',
    async run(ctx) {
      const record = await publishLogged(ctx);
      const cp = await fetchCheckpoint(ctx);
      const n = Math.floor(record.index / 256);
      const width = Math.min(256, cp.size - n * 256);
      const suffix = width === 256 ? '' : `.p/${width}`;
      const tile = await getBytes(ctx, `/v1/log/tile/0/${tileIndexPath(n)}${suffix}`);
      check(tile.status === 200, `tile 0/${n}${suffix}: status ${tile.status}`);
      check(
        tile.bytes.length === 32 * width,
        `tile 0/${n}${suffix}: ${tile.bytes.length} bytes, expected ${32 * width}`,
      );
      const at = record.index - n * 256;
      equal(
        b64(tile.bytes.slice(32 * at, 32 * at + 32)),
        b64(leafHashOfEntry(record.jws)),
        `hash ${at} of tile 0/${n}`,
      );
      const bundle = await getBytes(ctx, `/v1/log/tile/entries/${tileIndexPath(n)}${suffix}`);
      check(bundle.status === 200, `entry bundle ${n}${suffix}: status ${bundle.status}`);
      const entries: Uint8Array[] = [];
      const view = Buffer.from(bundle.bytes);
      for (let i = 0; i < view.length; ) {
        check(i + 2 <= view.length, 'entry bundle: truncated length');
        const len = view.readUInt16BE(i);
        entries.push(bundle.bytes.slice(i + 2, i + 2 + len));
        i += 2 + len;
      }
      check(entries.length === width, `entry bundle: ${entries.length} entries, expected ${width}`);
      equal(Buffer.from(entries[at]!).toString('latin1'), record.jws, `entry ${at} of bundle ${n}`);
      for (let i = 0; i < width; i++) {
        equal(
          b64(leafHashOfEntry(entries[i]!)),
          b64(tile.bytes.slice(32 * i, 32 * i + 32)),
          `leaf ${n * 256 + i}: tile vs bundle`,
        );
      }
      if (cp.size <= 256 * 16) {
        const hashes: Uint8Array[] = [];
        for (let t = 0; t * 256 < cp.size; t++) {
          const w = Math.min(256, cp.size - t * 256);
          const got = await getBytes(ctx, `/v1/log/tile/0/${tileIndexPath(t)}${w === 256 ? '' : `.p/${w}`}`);
          check(got.status === 200 && got.bytes.length === 32 * w, `tile 0/${t}: status ${got.status}`);
          for (let i = 0; i < w; i++) hashes.push(got.bytes.slice(32 * i, 32 * i + 32));
        }
        equal(
          b64(rootFromLeafHashes(hashes)),
          b64(cp.rootHash),
          'root recomputed from the level-0 tiles (REQ-LOG-012)',
        );
      }
    },
  },
]);
