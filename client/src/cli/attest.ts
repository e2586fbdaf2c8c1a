/** `kyodaku attest`: node operators attest (or revoke the attestation of) a party key with the admin key. */
import type { Command } from 'commander';
import { globalsOf, nodeOf } from './context.ts';
import { readPrivateKey } from './key-file.ts';
import { block, emit, usageError } from './output.ts';
import { parseTime } from './time-flag.ts';

const ROLES = ['rights-holder', 'performer', 'agency', 'ai-developer'] as const;

interface AttestOptions {
  adminKey: string;
  role?: (typeof ROLES)[number];
  expiresAt?: string;
  revoke?: string;
  reason?: string;
}

export function attestCommand(program: Command): void {
  program
    .command('attest')
    .summary("attest a party's key (node operators, with the admin key)")
    .description(
      "Signs an administrative request with the node's admin key (data/admin.key of the node) asking\n" +
        "the node to attest a registered party's key, so that its records count. With --revoke, asks\n" +
        'the node to revoke an attestation instead; records of that key stop counting from then on.',
    )
    .argument('[party-id]', 'the party to attest')
    .requiredOption('--admin-key <file>', "the node's admin key file (e.g. data/admin.key)")
    .option('--role <role>', `attested role (default: the role the party registered): ${ROLES.join(', ')}`)
    .option('--expires-at <time>', 'when the attestation expires (RFC 3339, or YYYY-MM-DD)')
    .option('--revoke <attestation-id>', 'revoke this attestation instead of attesting')
    .option('--reason <text>', 'reason for a revocation')
    .action(async (partyId: string | undefined, options: AttestOptions, command: Command) => {
      const node = nodeOf(command);
      const admin = await readPrivateKey(options.adminKey, 'admin key file');
      if (options.revoke !== undefined) {
        const view = await node.revokeAttestation(admin.signer, {
          attestation: options.revoke,
          ...(options.reason !== undefined && { reason: options.reason }),
        });
        emit(globalsOf(command), view, () =>
          block(`revoked attestation ${view.revocation.attestation}`, [
            ['revocation', view.id],
            ['reason', view.revocation.reason],
            ['at', view.revocation.issued_at],
          ]),
        );
        return;
      }
      if (partyId === undefined) throw usageError('give the party id to attest (or --revoke ATTESTATION_ID)');
      if (options.role !== undefined && !(ROLES as readonly string[]).includes(options.role)) {
        throw usageError(`--role must be one of ${ROLES.join(', ')}`);
      }
      const view = await node.attest(admin.signer, {
        party: partyId,
        ...(options.role !== undefined && { role: options.role }),
        ...(options.expiresAt !== undefined && { expires_at: parseTime(options.expiresAt, '--expires-at') }),
      });
      emit(globalsOf(command), view, () =>
        block(`attested ${view.attestation.party}`, [
          ['attestation', view.id],
          ['role', view.attestation.role],
          ['node', view.attestation.node],
          ['expires', view.attestation.expires_at ?? 'never'],
        ]),
      );
    });
}
