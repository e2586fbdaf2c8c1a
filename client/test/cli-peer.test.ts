/**
 * `kyodaku peer list|follow|unfollow|resume` (spec/federation.md §6.4, §7) with the real binary
 * against two real node processes: an origin that publishes and a mirror that follows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPeers } from '../src/cli/peer.ts';
import { KyodakuNode } from '../src/node-client.ts';
import { PeerList, PeerStatus } from '../src/schemas/messages.ts';
import { type CliResult, runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { closedPortUrl, type ServerProcess, startServer } from './helpers/server-process.ts';

/** Two logs of their own; a mirror that polls a caught-up peer and retries after an error every 100 ms. */
const ORIGIN_ENV = { KYODAKU_ORIGIN: 'origin.cli-peer.test/kyodaku' };
const MIRROR_ENV = {
  KYODAKU_ORIGIN: 'mirror.cli-peer.test/kyodaku',
  KYODAKU_FOLLOW_POLL_MS: '100',
  KYODAKU_FOLLOW_BACKOFF_MS: '100',
};

let origin: ServerProcess;
let mirror: ServerProcess;
let originKey: string;

beforeAll(async () => {
  [origin, mirror] = await Promise.all([startServer({ env: ORIGIN_ENV }), startServer({ env: MIRROR_ENV })]);
  originKey = (await new KyodakuNode(origin.url).wellKnown()).node.id;
});
afterAll(() => Promise.all([origin?.stop(), mirror?.stop()]));

/** Runs kyodaku against the mirror. */
function kyodaku(...args: string[]): Promise<CliResult> {
  return runCli(args, { env: { KYODAKU_NODE: mirror.url } });
}

function ok(result: CliResult): CliResult {
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return result;
}

/** `peer list --json`, parsed with the shared schema; the origin's status in it. */
async function originStatus(): Promise<PeerStatus | undefined> {
  const list = PeerList.parse(JSON.parse(ok(await kyodaku('peer', 'list', '--json')).stdout));
  return list.peers.find((p) => p.url === origin.url);
}

/** Runs `peer list --json` until `done` holds for the origin's status (at most `timeoutMs`). */
async function listUntil(done: (status: PeerStatus) => boolean, what: string, timeoutMs = 8000) {
  const deadline = Date.now() + timeoutMs;
  let last: PeerStatus | undefined;
  while (Date.now() < deadline) {
    last = await originStatus();
    if (last !== undefined && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last)}`);
}

/** The size of the origin's log, from its signed checkpoint (second line of the note). */
async function originSize(): Promise<number> {
  return Number((await new KyodakuNode(origin.url).checkpointNote()).split('\n')[1]);
}

describe('kyodaku peer', () => {
  it('Should follow, list with a cursor that advances, unfollow and follow again a real origin node', {
    timeout: 30_000,
  }, async () => {
    const none = ok(await kyodaku('peer', 'list'));
    expect(none.stdout).toBe('this node follows no peers\n');

    const followed = ok(
      await kyodaku(
        'peer',
        'follow',
        origin.url,
        '--node-key',
        originKey,
        '--admin-key',
        mirror.adminKeyPath,
      ),
    );
    expect(followed.stdout).toMatch(new RegExp(`^following ${origin.url}\\n`));
    expect(followed.stdout).toMatch(new RegExp(`node key +${originKey}\\n`));

    // Publishing on the origin: the mirror's cursor reaches the origin's last entry.
    const party = await attestedParty(origin);
    await party.publish({
      work: { type: 'work', ids: ['doi:10.5555/peer-one'] },
      purposes: { train: 'deny' },
    });
    const size = await originSize();
    const caughtUp = await listUntil((s) => s.cursor === size - 1 && s.lag === 0, `cursor ${size - 1}`);
    expect(caughtUp).toMatchObject({ state: 'following', node_key: originKey, checkpoint: { size } });
    expect(caughtUp.objects).toBeGreaterThanOrEqual(3);

    // The table; a resume of a peer that is not stopped-inconsistent is refused and changes nothing.
    const [list, resume] = await Promise.all([
      kyodaku('peer', 'list'),
      kyodaku('peer', 'resume', origin.url, '--node-key', originKey, '--admin-key', mirror.adminKeyPath),
    ]);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:conflict\)\n$/);
    const table = ok(list).stdout.split('\n');
    expect(table[0]).toMatch(/^URL +ORIGIN +STATE +CURSOR +LAG +CHECKPOINT +LAST SUCCESS$/);
    expect(table[1]).toMatch(
      new RegExp(
        `^${origin.url} +${caughtUp.origin} +following +${size - 1} +0 +${size} +\\d{4}-\\d\\d-\\d\\dT`,
      ),
    );

    // Unfollow: the state changes and the cursor stays, whatever the origin publishes meanwhile; a
    // second unfollow is refused and changes nothing.
    const unfollowed = ok(await kyodaku('peer', 'unfollow', origin.url, '--admin-key', mirror.adminKeyPath));
    expect(unfollowed.stdout).toMatch(new RegExp(`^unfollowed ${origin.url}\\n`));
    expect(unfollowed.stdout).toMatch(/state +unfollowed\n/);
    const [listed, again] = await Promise.all([
      originStatus(),
      kyodaku('peer', 'unfollow', origin.url, '--admin-key', mirror.adminKeyPath, '--json'),
      party.publish({ work: { type: 'work', ids: ['doi:10.5555/peer-two'] }, purposes: { train: 'deny' } }),
    ]);
    expect(listed).toMatchObject({ state: 'unfollowed', cursor: size - 1 });
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ type: 'urn:kyodaku:problem:conflict', status: 409 });

    // Follow again: resumes from the kept cursor and reads what the origin published meanwhile.
    const grown = await originSize();
    const refollowed = PeerStatus.parse(
      JSON.parse(
        ok(
          await kyodaku(
            'peer',
            'follow',
            origin.url,
            '--node-key',
            originKey,
            '--admin-key',
            mirror.adminKeyPath,
            '--json',
          ),
        ).stdout,
      ),
    );
    expect(refollowed.state).not.toBe('unfollowed');
    expect(refollowed.cursor).toBeGreaterThanOrEqual(size - 1);
    const resumed = await listUntil((s) => s.cursor === grown - 1, `cursor ${grown - 1}`);
    expect(resumed).toMatchObject({ state: 'following', checkpoint: { size: grown } });
  });

  it('Should refuse a request not signed by the admin key, a resume of an unknown peer and a bad node key', async () => {
    const unknown = await closedPortUrl();
    const [stranger, resume, badKey] = await Promise.all([
      kyodaku('peer', 'follow', origin.url, '--node-key', originKey, '--admin-key', origin.adminKeyPath),
      kyodaku('peer', 'resume', unknown, '--node-key', originKey, '--admin-key', mirror.adminKeyPath),
      kyodaku('peer', 'follow', origin.url, '--node-key', 'not-a-key', '--admin-key', mirror.adminKeyPath),
    ]);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:unauthorized\)\n$/);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/^error: .+ \(urn:kyodaku:problem:not-found\)\n$/);
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toMatch(/^error: --node-key .+ \(urn:kyodaku:problem:invalid-request\)\n$/);
  });

  it('Should show the evidence reason and the last error of a stopped peer below its row', () => {
    const stopped = PeerStatus.parse({
      url: 'http://127.0.0.1:8788',
      origin: 'publishers.example/kyodaku',
      node_key: 'A'.repeat(43),
      state: 'stopped-inconsistent',
      cursor: 1041,
      checkpoint: { size: 1042, root: `${'A'.repeat(43)}=`, note: 'publishers.example/kyodaku\n1042\n…\n' },
      peer_size: 1042,
      lag: 0,
      objects: 1038,
      refused: 2,
      last_success_at: '2026-04-01T00:00:12Z',
      last_error: 'two checkpoints of size 1042\nwith different roots',
      evidence: {
        reason: 'forked-checkpoint',
        detail: 'two checkpoints of size 1042 with different roots',
        kept: 'publishers.example/kyodaku\n1042\n…\n',
        offending: 'publishers.example/kyodaku\n1042\n…\n',
        at: '2026-04-01T00:00:13Z',
      },
      refusals: [{ index: 17, reason: 'invalid-signature', at: '2026-04-01T00:00:10Z' }],
    });
    expect(formatPeers([stopped]).split('\n')).toEqual([
      'URL                    ORIGIN                      STATE                 CURSOR  LAG  CHECKPOINT  LAST SUCCESS',
      'http://127.0.0.1:8788  publishers.example/kyodaku  stopped-inconsistent  1041    0    1042        2026-04-01T00:00:12Z',
      '  last error: two checkpoints of size 1042 with different roots',
      '  evidence: forked-checkpoint at 2026-04-01T00:00:13Z: two checkpoints of size 1042 with different roots',
    ]);
  });
});
