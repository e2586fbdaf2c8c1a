/** `kyodaku party register|show`: a party's self-signed registration at a node. */
import type { Command } from 'commander';
import { createParty } from '../builders.ts';
import { signObject } from '../jws.ts';
import type { PartyView } from '../schemas/messages.ts';
import { collect, globalsOf, nodeOf } from './context.ts';
import { readPrivateKey } from './key-file.ts';
import { langText } from './lang-text.ts';
import { block, emit, pairs, usageError } from './output.ts';

const ROLES = ['rights-holder', 'performer', 'agency', 'ai-developer'] as const;

export function formatParty(view: PartyView): string {
  const { party } = view;
  const contact = party.contact ? pairs(party.contact as Record<string, string>, ', ') : undefined;
  return block(`party ${view.party_id}  ${view.status}`, [
    ['role', party.role],
    ['names', pairs(party.names)],
    ['contact', contact],
    ['issued', party.issued_at],
    ['received', view.received_at],
    ...view.attestations.map((a): [string, string] => [
      'attestation',
      `${a.id} role=${a.attestation.role}${a.attestation.expires_at ? ` until ${a.attestation.expires_at}` : ''}${a.revoked ? ' (revoked)' : ''}`,
    ]),
  ]);
}

interface RegisterOptions {
  key: string;
  role: (typeof ROLES)[number];
  name?: string[];
  email?: string;
  url?: string;
  contactName?: string;
  out?: string;
}

export function partyCommand(program: Command): void {
  const party = program.command('party').summary('register or show a party (rights holder, AI developer…)');
  party
    .command('register')
    .description(
      'Signs a party registration with your key and registers it at the node. The party id is the\n' +
        "key's kid. Registering again with the same key updates names and contact. A node operator then\n" +
        'attests the key (kyodaku attest) before the party can publish records.',
    )
    .requiredOption('--key <file>', 'your private key file (from kyodaku keygen)')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .option(
      '--name <lang=text>',
      'display name per language, repeatable: --name ja=許諾出版 --name en="Kyodaku Books"',
      collect,
    )
    .option('--email <address>', 'contact email')
    .option('--url <url>', 'contact web page')
    .option('--contact-name <name>', 'contact person or department')
    .action(async (options: RegisterOptions, command: Command) => {
      if (!(ROLES as readonly string[]).includes(options.role)) {
        throw usageError(`--role must be one of ${ROLES.join(', ')}`);
      }
      const names = langText(options.name, '--name');
      if (names === undefined) throw usageError('give at least one --name lang=text');
      const key = await readPrivateKey(options.key);
      const contact = {
        ...(options.email && { email: options.email }),
        ...(options.url && { url: options.url }),
        ...(options.contactName && { name: options.contactName }),
      };
      const payload = createParty({
        key: key.publicJwk,
        role: options.role,
        names,
        ...(Object.keys(contact).length > 0 && { contact }),
      });
      const signed = await signObject('party', payload, key.signer);
      const view = await nodeOf(command).registerParty(signed);
      emit(globalsOf(command), view, () => `registered\n${formatParty(view)}`);
    });
  party
    .command('show')
    .description("Shows a party's current registration and its attestations at the node.")
    .argument('<party-id>', 'the party id (its key kid)')
    .action(async (partyId: string, _options: unknown, command: Command) => {
      const view = await nodeOf(command).getParty(partyId);
      emit(globalsOf(command), view, () => formatParty(view));
    });
}
