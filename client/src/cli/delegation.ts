/**
 * `kyodaku delegation create|revoke|list`: a party's delegations to agents that act for it
 * (spec/kyodaku.md §6.6), e.g. a performer's to its agency.
 */
import type { Command } from 'commander';
import { createDelegation, createDelegationRevocation } from '../builders.ts';
import { signObject } from '../jws.ts';
import type { DelegationView } from '../schemas/messages.ts';
import { globalsOf, nodeOf } from './context.ts';
import { readPrivateKey } from './key-file.ts';
import { block, emit } from './output.ts';
import { parseTime } from './time-flag.ts';

function formatDelegation(view: DelegationView): string {
  const d = view.delegation;
  return block(`delegation ${view.id}`, [
    ['principal', d.iss],
    ['agent', d.agent],
    ['received', view.received_at],
    ...(d.valid_until !== undefined ? [['until', d.valid_until] as [string, string]] : []),
    ...(view.revoked_by !== undefined
      ? [['revoked', `${view.revoked_at} by ${view.revoked_by}`] as [string, string]]
      : []),
  ]);
}

export function delegationCommand(program: Command): void {
  const delegation = program
    .command('delegation')
    .summary('let an agent (e.g. your agency) act for your party, end it, list delegations');
  delegation
    .command('create')
    .description(
      "Delegates to an agent party, signed with your party's current key: while the delegation is in\n" +
        "force, the agent's records and yours about the same work or voice are one party's will (the\n" +
        'newest decides, no dispute). The agent must be registered at the node.',
    )
    .requiredOption('--key <file>', "your party's current private key file")
    .requiredOption('--agent <party-id>', 'the party id of the agent')
    .option('--party <id>', "your party id (default: the key's kid, right before any key rotation)")
    .option('--until <time>', 'when the delegation ends (RFC 3339 or YYYY-MM-DD)')
    .action(
      async (options: { key: string; agent: string; party?: string; until?: string }, command: Command) => {
        const key = await readPrivateKey(options.key);
        const payload = createDelegation({
          iss: options.party ?? key.kid,
          agent: options.agent,
          ...(options.until !== undefined && { valid_until: parseTime(options.until, '--until') }),
        });
        const view = await nodeOf(command).delegate(await signObject('delegation', payload, key.signer));
        emit(globalsOf(command), view, () => formatDelegation(view));
      },
    );
  delegation
    .command('revoke')
    .description('Ends a delegation your party made, signed with its current key.')
    .argument('<delegation-id>', 'the id of the delegation')
    .requiredOption('--key <file>', "your party's current private key file")
    .option('--party <id>', "your party id (default: the key's kid)")
    .option('--reason <text>', 'a short reason, kept in the log')
    .action(
      async (id: string, options: { key: string; party?: string; reason?: string }, command: Command) => {
        const key = await readPrivateKey(options.key);
        const payload = createDelegationRevocation({
          iss: options.party ?? key.kid,
          delegation: id,
          ...(options.reason && { reason: options.reason }),
        });
        const view = await nodeOf(command).revokeDelegation(
          await signObject('delegation-revocation', payload, key.signer),
        );
        emit(globalsOf(command), view, () =>
          block(`delegation revoked ${view.delegation_revocation.delegation}`, [
            ['revocation', view.id],
            ['received', view.received_at],
          ]),
        );
      },
    );
  delegation
    .command('list')
    .description('Lists the delegations a party made and those made to it, oldest first.')
    .argument('<party-id>', 'the party id')
    .action(async (partyId: string, _options: unknown, command: Command) => {
      const list = await nodeOf(command).getPartyDelegations(partyId);
      emit(globalsOf(command), list, () =>
        list.delegations.length === 0
          ? 'no delegations'
          : list.delegations.map(formatDelegation).join('\n\n'),
      );
    });
}
