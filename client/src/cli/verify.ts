/**
 * `kyodaku verify FILE`: verifies signed objects offline: structure, JCS canonical form, schema and
 * the Ed25519 signature against the issuer's public key given in a file (--issuer-key), or a key a
 * key change earlier in the file bound to the issuer. Parties are self-signed and need no key.
 * --fetch-keys looks missing keys up at the node instead (online), rotated keys included.
 */
import type { Command } from 'commander';
import { base64url } from 'jose';
import { KyodakuError } from '../errors.ts';
import { type SignedObject, verifyObject } from '../jws.ts';
import { checkKeyProof } from '../key-change.ts';
import type { PublicJwk } from '../keys.ts';
import type { KyodakuNode } from '../node-client.ts';
import { kindOfTyp, type ObjectKind } from '../object-kinds.ts';
import { verifyParty } from '../verify-party.ts';
import { collect, globalsOf, nodeOf } from './context.ts';
import { readPublicKey } from './key-file.ts';
import { readLines } from './line-reader.ts';
import { out, problemOf, usageError } from './output.ts';

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

/**
 * The keys each issuer is known to hold: `--issuer-key` files (a party's first key is its id), keys
 * bound by key changes verified earlier in the same file (kyodaku.md §6.4), and, with
 * `--fetch-keys`, the node's key list of the party (GET /v1/parties/{id}/keys).
 */
class IssuerKeys {
  readonly #given: Map<string, PublicJwk>;
  readonly #node: KyodakuNode | undefined;
  /** issuer -> kid -> key, bound by a key change read from the file. */
  readonly #bound = new Map<string, Map<string, PublicJwk>>();
  #nodeKey: Promise<{ id: string; key: PublicJwk }> | undefined;

  constructor(given: Map<string, PublicJwk>, node: KyodakuNode | undefined) {
    this.#given = given;
    this.#node = node;
  }

  bind(issuer: string, kid: string, key: PublicJwk): void {
    const keys = this.#bound.get(issuer) ?? new Map<string, PublicJwk>();
    keys.set(kid, key);
    this.#bound.set(issuer, keys);
  }

  async resolve(kid: string, issuer: string): Promise<PublicJwk> {
    // In protocol version 0.1 a party id is the thumbprint of its first key, and so is a node id.
    const known = kid === issuer ? this.#given.get(kid) : this.#bound.get(issuer)?.get(kid);
    if (known !== undefined) return known;
    if (this.#node === undefined) {
      throw new KyodakuError(
        'ERR_JWS_KID',
        kid === issuer
          ? `no key for issuer ${issuer}: give --issuer-key FILE (or --fetch-keys)`
          : `kid ${kid} is not a key of issuer ${issuer} known here: put the party's key-change objects ` +
              'before its objects in the file, or use --fetch-keys',
      );
    }
    if (kid === issuer) {
      this.#nodeKey ??= this.#node.wellKnown().then((w) => w.node);
      const { id, key } = await this.#nodeKey;
      if (id === kid) return key;
    }
    const keys = await this.#node.getPartyKeys(issuer).catch((error: unknown) => {
      if (error instanceof KyodakuError && error.code === 'ERR_NOT_FOUND') {
        throw new KyodakuError('ERR_JWS_KID', `issuer ${issuer} is not registered at the node`);
      }
      throw error;
    });
    const key = keys.keys.find((k) => k.kid === kid)?.key;
    if (key === undefined)
      throw new KyodakuError('ERR_JWS_KID', `kid ${kid} is not a key of issuer ${issuer}`);
    return key;
  }
}

async function verifyOne(jws: string, keys: IssuerKeys): Promise<SignedObject> {
  const kind = kindOf(jws);
  switch (kind) {
    case 'party':
      return verifyParty(jws);
    case 'record':
    case 'revocation':
    case 'key-compromise':
      return verifyObject(jws, kind, (kid, payload) => keys.resolve(kid, payload.iss));
    case 'key-change': {
      const change = await verifyObject(jws, kind, (kid, payload) => keys.resolve(kid, payload.iss));
      keys.bind(
        change.payload.iss,
        await checkKeyProof(change.payload, change.header.kid),
        change.payload.new_key,
      );
      return change;
    }
    case 'attestation':
    case 'attestation-revocation':
      return verifyObject(jws, kind, (kid, payload) => keys.resolve(kid, payload.node));
    default:
      throw new KyodakuError('ERR_JWS_TYP', `verify does not check ${kind} objects`);
  }
}

export function verifyCommand(program: Command): void {
  program
    .command('verify')
    .summary('verify signed records (or a file of them) offline')
    .description(
      'Verifies compact JWS objects (records, revocations, parties, attestations, key changes and key\n' +
        'compromises), one per line of FILE ' +
        '(- for stdin): structure, JCS canonical form, schema and the Ed25519 signature. Offline: the\n' +
        "issuer's public key comes from --issuer-key (a public JWK file, e.g. from keygen --public; a\n" +
        'private key file works too); parties are self-signed and need none. With --fetch-keys, keys ' +
        'not given are looked up at the node (--node), including keys a party rotated to. Offline, a key\n' +
        'change read earlier in FILE binds its new key to the party, so records signed after a rotation\n' +
        'verify with the first key file and the key-change lines. Prints one line per object; with --json one JSON ' +
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
      const issuerKeys = new IssuerKeys(keys, options.fetchKeys ? nodeOf(command) : undefined);
      let valid = 0;
      let failed = 0;
      try {
        for await (const line of readLines(file)) {
          const jws = line.text.trim();
          if (jws.length === 0 || jws.startsWith('#')) continue;
          try {
            const object = await verifyOne(jws, issuerKeys);
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
