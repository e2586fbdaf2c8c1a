/**
 * `kyodaku verify FILE`: verifies signed objects offline: structure, JCS canonical form, schema and
 * the Ed25519 signature against the issuer's public key given in a file (--issuer-key). Parties are
 * self-signed and need no key. --fetch-keys looks missing keys up at the node instead (online).
 */
import type { Command } from 'commander';
import { base64url } from 'jose';
import { KyodakuError } from '../errors.ts';
import { type SignedObject, verifyObject } from '../jws.ts';
import type { PublicJwk } from '../keys.ts';
import type { KyodakuNode } from '../node-client.ts';
import { kindOfTyp, type ObjectKind } from '../object-kinds.ts';
import { verifyParty } from '../verify-party.ts';
import { collect, globalsOf, nodeOf } from './context.ts';
import { readPublicKey } from './key-file.ts';
import { readLines } from './line-reader.ts';
import { out, problemOf, usageError } from './output.ts';

type Resolver = (kid: string, issuer: string) => Promise<PublicJwk>;

/** The kind named by a JWS header's typ (the full checks come after). */
function kindOf(jws: string): ObjectKind {
  try {
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(jws.split('.')[0] ?? ''))) as {
      typ?: unknown;
    };
    const kind = typeof header.typ === 'string' ? kindOfTyp(header.typ) : undefined;
    if (kind === undefined)
      throw new KyodakuError('ERR_JWS_TYP', `typ ${JSON.stringify(header.typ)} is not a Kyodaku object`);
    return kind;
  } catch (error) {
    if (error instanceof KyodakuError) throw error;
    throw new KyodakuError('ERR_JWS_INVALID', 'not a compact JWS');
  }
}

async function verifyOne(jws: string, resolve: Resolver): Promise<SignedObject> {
  const kind = kindOf(jws);
  switch (kind) {
    case 'party':
      return verifyParty(jws);
    case 'record':
    case 'revocation':
      return verifyObject(jws, kind, (kid, payload) => resolve(kid, payload.iss));
    case 'attestation':
    case 'attestation-revocation':
      return verifyObject(jws, kind, (kid, payload) => resolve(kid, payload.node));
    default:
      throw new KyodakuError('ERR_JWS_TYP', `verify does not check ${kind} objects`);
  }
}

function resolverOf(keys: Map<string, PublicJwk>, node: KyodakuNode | undefined): Resolver {
  let nodeKey: Promise<{ id: string; key: PublicJwk }> | undefined;
  return async (kid, issuer) => {
    // In protocol version 0.1 a party id is the thumbprint of its key, and so is a node id.
    if (kid !== issuer)
      throw new KyodakuError('ERR_JWS_KID', `kid ${kid} is not the key of issuer ${issuer}`);
    const local = keys.get(kid);
    if (local !== undefined) return local;
    if (node === undefined) {
      throw new KyodakuError(
        'ERR_JWS_KID',
        `no key for issuer ${issuer}: give --issuer-key FILE (or --fetch-keys)`,
      );
    }
    nodeKey ??= node.wellKnown().then((w) => w.node);
    const { id, key } = await nodeKey;
    if (id === kid) return key;
    const party = await node.getParty(issuer).catch((error: unknown) => {
      if (error instanceof KyodakuError && error.code === 'ERR_NOT_FOUND') {
        throw new KyodakuError('ERR_JWS_KID', `issuer ${issuer} is not registered at the node`);
      }
      throw error;
    });
    return party.party.key;
  };
}

export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .summary('verify signed records (or a file of them) offline')
    .description(
      'Verifies compact JWS objects (records, revocations, parties, attestations), one per line of FILE ' +
        '(- for stdin): structure, JCS canonical form, schema and the Ed25519 signature. Offline: the\n' +
        "issuer's public key comes from --issuer-key (a public JWK file, e.g. from keygen --public; a\n" +
        'private key file works too); parties are self-signed and need none. With --fetch-keys, keys ' +
        'not given are looked up at the node (--node). Prints one line per object; with --json one JSON ' +
        'object per line. Exit code 0 when every object verifies, 1 otherwise.\n\n' +
        'This proves who signed what; whether a record counts (attested key, not revoked, not ' +
        'superseded) is what `kyodaku check` asks the node.',
    )
    .argument('<file>', 'file with one compact JWS per line')
    .option('--issuer-key <file>', 'public JWK of an issuer, repeatable', collect)
    .option('--fetch-keys', 'look up keys not given with --issuer-key at the node', false)
    .action(async (file: string, options: { issuerKey?: string[]; fetchKeys: boolean }, command: Command) => {
      const globals = globalsOf(command);
      const keys = new Map<string, PublicJwk>();
      for (const path of options.issuerKey ?? []) {
        const { kid, publicJwk } = await readPublicKey(path);
        keys.set(kid, publicJwk);
      }
      const resolve = resolverOf(keys, options.fetchKeys ? nodeOf(command) : undefined);
      let valid = 0;
      let failed = 0;
      try {
        for await (const line of readLines(file)) {
          const jws = line.text.trim();
          if (jws.length === 0 || jws.startsWith('#')) continue;
          try {
            const object = await verifyOne(jws, resolve);
            valid++;
            const p = object.payload as { iss?: string; node?: string; key?: unknown };
            const issuer = p.iss ?? p.node ?? object.header.kid;
            if (globals.json) {
              out(
                JSON.stringify({
                  line: line.number,
                  valid: true,
                  kind: object.kind,
                  id: object.id,
                  issuer,
                  payload: object.payload,
                }),
              );
            } else out(`ok    line ${line.number}  ${object.kind} ${object.id}  by ${issuer}`);
          } catch (error) {
            if (!(error instanceof KyodakuError) || error.code === 'ERR_NETWORK') throw error;
            failed++;
            const problem = problemOf(error);
            if (globals.json) out(JSON.stringify({ line: line.number, valid: false, error: problem }));
            else out(`FAIL  line ${line.number}  ${problem.detail} (${problem.type})`);
          }
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR') throw usageError(`cannot read ${file}: ${code}`);
        throw error;
      }
      if (valid + failed === 0) throw usageError(`${file} holds no JWS`);
      if (!globals.json) out(`${valid} valid, ${failed} invalid`);
      process.exitCode = failed === 0 ? 0 : 1;
    });
}
