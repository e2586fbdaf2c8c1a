/**
 * The crawler key directory the suite serves on loopback for the `crawler-identity` profile
 * (spec/crawler-identity.md §5): `/.well-known/http-message-signatures-directory` listing the
 * given keys, the response signed by those that `sign`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KEY_DIRECTORY_PATH, keyDirectoryBody, keyDirectoryHeaders } from '@kyodaku/client';
import type { TestKey } from './context.ts';

export interface SuiteKeyDirectory {
  /** The origin to send as Signature-Agent. */
  origin: string;
  /** Requests for the directory served so far. */
  readonly fetches: number;
  close(): Promise<void>;
}

export async function serveKeyDirectory(
  listed: Array<{ key: TestKey; sign: boolean }>,
): Promise<SuiteKeyDirectory> {
  let fetches = 0;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url !== KEY_DIRECTORY_PATH) {
        res.writeHead(404).end();
        return;
      }
      fetches++;
      const body = await keyDirectoryBody(listed.map((l) => l.key.publicJwk));
      const signers = listed.filter((l) => l.sign).map((l) => l.key.signer);
      const headers = await keyDirectoryHeaders(
        `http://${req.headers.host}${KEY_DIRECTORY_PATH}`,
        body,
        signers,
      );
      res.writeHead(200, headers).end(body);
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
