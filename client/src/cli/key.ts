/** `kyodaku key rotate|compromised|show`: a party's key changes and compromised keys (spec/kyodaku.md §6.4, §6.5). */
import type { Command } from 'commander';
import { signObject } from '../jws.ts';
import { createKeyCompromise, signKeyChange } from '../key-change.ts';
import type { PartyKeys } from '../schemas/messages.ts';
import { globalsOf, nodeOf } from './context.ts';
import { readPrivateKey } from './key-file.ts';
import { block, emit } from './output.ts';
import { parseTime } from './time-flag.ts';

export function formatKeys(view: PartyKeys): string {
  return block(`party ${view.party}  current key ${view.current}`, [
    ...view.keys.map((k): [string, string] => [
      'key',
      `${k.kid}${k.bound_at ? ` since ${k.bound_at}` : ' (first)'}${k.compromised_at ? `  compromised since ${k.compromised_at}` : ''}`,
    ]),
  ]);
}

interface PartyOption {
  party?: string;
}

export function keyCommand(program: Command): void {
  const key = program.command('key').summary("change a party's key, declare a key compromised, list keys");
  key
    .command('rotate')
    .description(
      'Binds a new key to your party, signed by both the current key and the new one (as ACME key\n' +
        'rollover does). The party id stays the same and your records keep counting; from then on sign\n' +
        'with the new key. Create the new key with kyodaku keygen first.',
    )
    .requiredOption('--key <file>', "the party's current private key file")
    .requiredOption('--new-key <file>', 'the new private key file')
    .option('--party <id>', "the party id (default: the current key's kid, right for a first rotation)")
    .action(async (options: { key: string; newKey: string } & PartyOption, command: Command) => {
      const old = await readPrivateKey(options.key);
      const next = await readPrivateKey(options.newKey, 'new key file');
      const change = await signKeyChange({
        iss: options.party ?? old.kid,
        oldSigner: old.signer,
        newSigner: next.signer,
        newKey: next.publicJwk,
      });
      const view = await nodeOf(command).changeKey(change);
      emit(globalsOf(command), view, () =>
        block(`key changed ${view.id}`, [
          ['party', view.key_change.iss],
          ['new key', next.kid],
          ['received', view.received_at],
        ]),
      );
    });
  key
    .command('compromised')
    .description(
      'Declares a former key of your party compromised since a time, signed with your current key:\n' +
        'records and revocations signed with it that the node logged since then stop counting. To\n' +
        'declare the current key compromised, rotate first (kyodaku key rotate), then declare the old one.',
    )
    .requiredOption('--key <file>', "the party's current private key file (signs the declaration)")
    .requiredOption('--compromised <kid>', 'the kid of the compromised key')
    .requiredOption('--since <time>', 'since when the key is compromised (RFC 3339 or YYYY-MM-DD)')
    .option('--party <id>', 'the party id (default: the compromised key, right when it was the first key)')
    .option('--reason <text>', 'a short reason, kept in the log')
    .action(
      async (
        options: { key: string; compromised: string; since: string; reason?: string } & PartyOption,
        command: Command,
      ) => {
        const current = await readPrivateKey(options.key);
        const payload = createKeyCompromise({
          iss: options.party ?? options.compromised,
          key: options.compromised,
          compromised_at: parseTime(options.since, '--since'),
          ...(options.reason && { reason: options.reason }),
        });
        const view = await nodeOf(command).declareKeyCompromise(
          await signObject('key-compromise', payload, current.signer),
        );
        emit(globalsOf(command), view, () =>
          block(`key compromise declared ${view.id}`, [
            ['party', view.key_compromise.iss],
            ['key', view.key_compromise.key],
            ['since', view.key_compromise.compromised_at],
          ]),
        );
      },
    );
  key
    .command('show')
    .description("Lists a party's keys at the node, oldest first, and which are compromised.")
    .argument('<party-id>', 'the party id')
    .action(async (partyId: string, _options: unknown, command: Command) => {
      const view = await nodeOf(command).getPartyKeys(partyId);
      emit(globalsOf(command), view, () => formatKeys(view));
    });
}
