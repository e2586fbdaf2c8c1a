/**
 * Crawler identity in the CLI (spec/crawler-identity.md): `--crawler-key FILE` and
 * `--signature-agent URL` sign a command's queries in the Web Bot Auth profile, and
 * `kyodaku crawler-directory` prints the key directory a crawler serves at its Signature-Agent.
 */
import { type Command, Option } from 'commander';
import {
  type CrawlerSigner,
  KEY_DIRECTORY_PATH,
  keyDirectoryUrl,
} from '../crawler-identity/crawler-request.ts';
import { keyDirectoryBody, keyDirectoryHeaders } from '../crawler-identity/key-directory.ts';
import { KyodakuNode } from '../node-client.ts';
import { collect, globalsOf, positiveInt } from './context.ts';
import { readPrivateKey } from './key-file.ts';
import { emit, usageError } from './output.ts';

interface CrawlerFlags {
  crawlerKey?: string;
  signatureAgent?: string;
}

/** Adds `--crawler-key` and `--signature-agent` to a command that queries the node. */
export function withCrawlerOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--crawler-key <file>',
        'sign the queries with this Ed25519 key (kyodaku keygen) as a crawler',
      ).env('KYODAKU_CRAWLER_KEY'),
    )
    .addOption(
      new Option(
        '--signature-agent <url>',
        'with --crawler-key: the https origin serving your key directory (kyodaku crawler-directory)',
      ).env('KYODAKU_SIGNATURE_AGENT'),
    );
}

/** The crawler a command signs as (--crawler-key, --signature-agent), if any. */
export async function crawlerSignerOf(command: Command): Promise<CrawlerSigner | undefined> {
  const { crawlerKey, signatureAgent } = command.opts<CrawlerFlags>();
  if (crawlerKey === undefined) {
    if (signatureAgent !== undefined) throw usageError('--signature-agent needs --crawler-key');
    return undefined;
  }
  if (signatureAgent !== undefined) keyDirectoryUrl(JSON.stringify(signatureAgent));
  const key = await readPrivateKey(crawlerKey, 'crawler key');
  return { signer: key.signer, ...(signatureAgent !== undefined && { agent: signatureAgent }) };
}

/** The node client of a command, signing as the crawler when --crawler-key is given. */
export async function crawlerNodeOf(command: Command): Promise<KyodakuNode> {
  const crawler = await crawlerSignerOf(command);
  return new KyodakuNode(globalsOf(command).node, {
    headers: { 'user-agent': 'kyodaku-cli/0.1.0' },
    ...(crawler !== undefined && { crawler }),
  });
}

export function crawlerDirectoryCommand(program: Command): void {
  program
    .command('crawler-directory')
    .summary('print the signed key directory a crawler serves')
    .description(
      `Prints the key directory (a JWK Set) of the crawler keys and the response headers that sign it, ` +
        `to be served at ORIGIN${KEY_DIRECTORY_PATH} as application/http-message-signatures-directory+json. ` +
        'The signatures cover the origin and expire: print it again before --lifetime runs out.',
    )
    .argument('<origin>', 'the https origin your Signature-Agent names, e.g. https://crawler.example')
    .requiredOption('--key <file>', 'a crawler key file (repeatable)', collect)
    .option('--lifetime <seconds>', 'how long the directory signatures stay valid', '86400')
    .action(async (origin: string, options: { key: string[]; lifetime: string }, command: Command) => {
      const url = keyDirectoryUrl(JSON.stringify(origin));
      const lifetime = positiveInt(options.lifetime, '--lifetime', 7 * 86_400);
      const keys = await Promise.all(options.key.map((file) => readPrivateKey(file, 'crawler key')));
      const body = await keyDirectoryBody(keys.map((k) => k.publicJwk));
      const headers = await keyDirectoryHeaders(
        url,
        body,
        keys.map((k) => k.signer),
        Date.now(),
        lifetime,
      );
      emit(globalsOf(command), { url, headers, body: JSON.parse(body) as unknown }, () =>
        [`# ${url}`, ...Object.entries(headers).map(([n, v]) => `${n}: ${v}`), '', body].join('\n'),
      );
    });
}
