/**
 * The body of the log root thread: appends each page of leaf hashes to a Merkle tree builder and,
 * at the end, sends back the root.
 */
import { parentPort } from 'node:worker_threads';
import { HASH_SIZE, MerkleTreeBuilder } from '@kyodaku/client';
import type { RootReply, RootRequest } from './root-thread.ts';

const builder = new MerkleTreeBuilder();

parentPort!.on('message', (request: RootRequest) => {
  if ('end' in request) {
    let reply: RootReply;
    try {
      reply = { root: builder.root() };
    } catch (error) {
      reply = { error: error instanceof Error ? error.message : String(error) };
    }
    parentPort!.postMessage(reply);
    return;
  }
  const { leaves } = request;
  for (let at = 0; at < leaves.length; at += HASH_SIZE) builder.append(leaves.subarray(at, at + HASH_SIZE));
});
