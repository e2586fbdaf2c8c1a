/**
 * `kyodaku peer list|follow|unfollow|resume`: the peers a node follows (spec/federation.md §6.4, §7),
 * for node operators; the actions are admin requests signed with the node's admin key.
 */
import type { Command } from 'commander';
import type { Signer } from '../keys.ts';
import type { PeerStatus } from '../schemas/messages.ts';
import { KeyId } from '../schemas/primitives.ts';
import { globalsOf, nodeOf } from './context.ts';
import { readPrivateKey } from './key-file.ts';
import { block, emit, usageError } from './output.ts';

const dash = (value: string | number | null | undefined) =>
  value === null || value === undefined ? '-' : String(value);

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** `reason at TIME: detail` of a stopped peer's evidence. */
function evidenceOf(evidence: NonNullable<PeerStatus['evidence']>): string {
  const at = evidence.at === '' ? '' : ` at ${evidence.at}`;
  return `${evidence.reason}${at}: ${oneLine(evidence.detail)}`;
}

/** The peers as a table, one row each; a last error and the evidence of a stopped peer on lines below. */
export function formatPeers(peers: readonly PeerStatus[]): string {
  if (peers.length === 0) return 'this node follows no peers';
  const header = ['URL', 'ORIGIN', 'STATE', 'CURSOR', 'LAG', 'CHECKPOINT', 'LAST SUCCESS'];
  const rows = peers.map((p) => [
    p.url,
    p.origin,
    p.state,
    String(p.cursor),
    dash(p.lag),
    dash(p.checkpoint?.size),
    dash(p.last_success_at),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(header)];
  peers.forEach((p, i) => {
    out.push(line(rows[i]!));
    if (p.last_error !== null) out.push(`  last error: ${oneLine(p.last_error)}`);
    if (p.evidence !== null) out.push(`  evidence: ${evidenceOf(p.evidence)}`);
  });
  return out.join('\n');
}

/** One peer's status under a heading (the answer of follow, unfollow and resume). */
export function formatPeer(heading: string, p: PeerStatus): string {
  return block(heading, [
    ['origin', p.origin],
    ['node key', p.node_key],
    ['state', p.state],
    ['cursor', String(p.cursor)],
    ['lag', dash(p.lag)],
    ['checkpoint', p.checkpoint === null ? '-' : `size ${p.checkpoint.size}  root ${p.checkpoint.root}`],
    ['last success', dash(p.last_success_at)],
    ['last error', p.last_error === null ? undefined : oneLine(p.last_error)],
    ['evidence', p.evidence === null ? undefined : evidenceOf(p.evidence)],
  ]);
}

/** A peer's base URL: http or https, without query or fragment (spec/federation.md §7). */
function peerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usageError(`not a peer URL: ${text}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw usageError(`a peer URL is an http or https base URL without query or fragment: ${text}`);
  }
  return text;
}

function nodeKey(text: string): string {
  if (!KeyId.safeParse(text).success) {
    throw usageError(
      "--node-key must be a node key id (43 base64url characters, node.id in the peer's /.well-known/kyodaku)",
    );
  }
  return text;
}

const NODE_KEY_HELP =
  "the peer's node key id to pin (node.id in its /.well-known/kyodaku, as its operator handed it over)";
const ADMIN_KEY_HELP = "this node's admin key file (e.g. data/admin.key)";

interface AdminOptions {
  adminKey: string;
  nodeKey?: string;
}

/** The action of a command that pins a peer's node key (follow, resume): check, sign, send, show. */
function pinningAction(
  verb: string,
  send: (
    node: ReturnType<typeof nodeOf>,
    signer: Signer,
    peer: { url: string; nodeKey: string },
  ) => Promise<PeerStatus>,
) {
  return async (url: string, options: AdminOptions, command: Command) => {
    const peer = { url: peerUrl(url), nodeKey: nodeKey(options.nodeKey!) };
    const admin = await readPrivateKey(options.adminKey, 'admin key file');
    const status = await send(nodeOf(command), admin.signer, peer);
    emit(globalsOf(command), status, () => formatPeer(`${verb} ${status.url}`, status));
  };
}

export function peerCommand(program: Command): void {
  const peer = program
    .command('peer')
    .summary('list, follow, unfollow or resume the peers a node follows (node operators)')
    .description(
      'The peers a node follows and mirrors (spec/federation.md). `peer list` shows their status to ' +
        'anyone; follow, unfollow and resume are administrative requests signed with the admin key of ' +
        'the node given by --node (the mirror), not of the peer.',
    );

  peer
    .command('list')
    .summary("every peer's state, cursor, lag, checkpoint, last error and evidence")
    .description(
      'Shows every peer the node follows (GET /v1/peers): its URL, origin, state (starting, following, ' +
        'backing-off, stopped-inconsistent, unfollowed), cursor (the last entry processed, -1 before ' +
        "the first), lag (entries of the peer's latest checkpoint not processed yet), the size of the " +
        'checkpoint kept and the time of the last successful round; below a peer, its last error and, ' +
        'for a stopped peer, the reason and detail of the evidence. --json prints the answer as it is.\n\n' +
        'Example:\n  kyodaku peer list --node http://127.0.0.1:8787',
    )
    .action(async (_options: unknown, command: Command) => {
      const list = await nodeOf(command).peers();
      emit(globalsOf(command), list, () => formatPeers(list.peers));
    });

  peer
    .command('follow')
    .summary('follow a peer, or follow an unfollowed one again (admin key)')
    .description(
      'Asks the node to follow the peer at URL, pinning its node key id (spec/federation.md §7.1). ' +
        "The node checks the peer's metadata first. A peer the node unfollowed is followed again from " +
        'its cursor, with nothing read twice (§7.2); a stopped-inconsistent peer needs `peer resume`.\n\n' +
        'Example:\n' +
        '  kyodaku peer follow https://registry.example --node-key PEER_NODE_KID \\\n' +
        '    --admin-key data/admin.key',
    )
    .argument('<url>', "the peer's base URL")
    .requiredOption('--node-key <kid>', NODE_KEY_HELP)
    .requiredOption('--admin-key <file>', ADMIN_KEY_HELP)
    .action(pinningAction('following', (node, signer, peer) => node.followPeer(signer, peer)));

  peer
    .command('unfollow')
    .summary('stop following a peer, keeping what was verified (admin key)')
    .description(
      'Asks the node to stop following the peer at URL (spec/federation.md §7.2): the node stops ' +
        'polling it and keeps its objects, cursor and kept checkpoint, which keep counting in decisions. ' +
        '`peer follow` with the same node key follows it again from the cursor.\n\n' +
        'Example:\n  kyodaku peer unfollow https://registry.example --admin-key data/admin.key',
    )
    .argument('<url>', "the peer's base URL")
    .requiredOption('--admin-key <file>', ADMIN_KEY_HELP)
    .action(async (url: string, options: AdminOptions, command: Command) => {
      const target = peerUrl(url);
      const admin = await readPrivateKey(options.adminKey, 'admin key file');
      const status = await nodeOf(command).unfollowPeer(admin.signer, target);
      emit(globalsOf(command), status, () => formatPeer(`unfollowed ${status.url}`, status));
    });

  peer
    .command('resume')
    .summary('follow a stopped-inconsistent peer again, pinning its key anew (admin key)')
    .description(
      'Asks the node to follow a stopped-inconsistent peer again under the node key id given, which ' +
        "it pins anew (spec/federation.md §7.3). The node resumes only if the peer's current checkpoint " +
        'verifies with that key and is consistent with the checkpoint kept; else it is refused ' +
        '(urn:kyodaku:problem:conflict) and the peer stays stopped with its evidence.\n\n' +
        'Example:\n' +
        '  kyodaku peer resume https://registry.example --node-key PEER_NODE_KID \\\n' +
        '    --admin-key data/admin.key',
    )
    .argument('<url>', "the peer's base URL")
    .requiredOption('--node-key <kid>', NODE_KEY_HELP)
    .requiredOption('--admin-key <file>', ADMIN_KEY_HELP)
    .action(pinningAction('resumed', (node, signer, peer) => node.resumePeer(signer, peer)));
}
