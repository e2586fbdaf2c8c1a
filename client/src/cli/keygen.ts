/** `kyodaku keygen FILE`: a new Ed25519 key pair as a private JWK file (mode 0600). */
import type { Command } from 'commander';
import { generateKeyPair } from '../keys.ts';
import { writeKeyFile, writePublicKeyFile } from './key-file.ts';
import { emit, type GlobalOptions } from './output.ts';

export function keygenCommand(program: Command): void {
  program
    .command('keygen')
    .summary('create an Ed25519 key file (mode 0600)')
    .description(
      'Creates an Ed25519 key pair and writes the private JWK to FILE with mode 0600. Its kid (RFC 7638 ' +
        'thumbprint) is your party id once you register. An existing file is never replaced without --force.',
    )
    .argument('<file>', 'where to write the private key, e.g. my.key')
    .option('--public <file>', 'also write the public JWK here (to give to verifiers)')
    .option('--force', 'replace existing files', false)
    .action(async (file: string, options: { public?: string; force: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const { privateJwk, publicJwk, kid } = await generateKeyPair();
      writeKeyFile(file, { ...privateJwk, kid }, options.force);
      if (options.public) writePublicKeyFile(options.public, { ...publicJwk, kid }, options.force);
      emit(
        globals,
        { file, kid, public_key: publicJwk, ...(options.public && { public_file: options.public }) },
        () =>
          [
            `wrote ${file} (mode 0600)`,
            ...(options.public ? [`wrote ${options.public} (public key)`] : []),
            `kid (your party id): ${kid}`,
          ].join('\n'),
      );
    });
}
