/**
 * A crawler's key directory on a loopback port, for tests of signed queries: serves
 * `/.well-known/http-message-signatures-directory` signed by every listed key (or a broken variant),
 * and counts the fetches.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  KEY_DIRECTORY_PATH,
  keyDirectoryBody,
  keyDirectoryHeaders,
  type PublicJwk,
  type Signer,
} from '@kyodaku/client';

export interface KeyDirectoryServer {
  /** The origin to send as Signature-Agent, e.g. http://127.0.0.1:41234 */
  origin: string;
  /** GET requests of the directory so far. */
  fetches(): number;
  close(): Promise<void>;
}

export interface DirectoryKey {
  publicJwk: PublicJwk;
  /** Signs the response; without it the key is listed but not bound. */
  signer?: Signer;
}

export async function keyDirectoryServer(
  keys: DirectoryKey[],
  options: { status?: number; contentType?: string; padBytes?: number } = {},
): Promise<KeyDirectoryServer> {
  let fetches = 0;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url !== KEY_DIRECTORY_PATH) {
        res.writeHead(404).end();
        return;
      }
      fetches++;
      const origin = `http://${req.headers.host}`;
      let body = await keyDirectoryBody(keys.map((k) => k.publicJwk));
      if (options.padBytes !== undefined)
        body = `${body.slice(0, -1)},"pad":"${'x'.repeat(options.padBytes)}"}`;
      const signers = keys.flatMap((k) => (k.signer === undefined ? [] : [k.signer]));
      const headers = await keyDirectoryHeaders(`${origin}${KEY_DIRECTORY_PATH}`, body, signers);
      if (options.contentType !== undefined) headers['content-type'] = options.contentType;
      res.writeHead(options.status ?? 200, headers).end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
