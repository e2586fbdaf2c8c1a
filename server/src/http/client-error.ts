/**
 * Requests that never reach the app: node:http's `clientError` (a request whose headers or body
 * did not arrive within the timeouts, malformed HTTP, headers over the size limit). Answered, when
 * the socket can still take it, with a problem like every other failure (REQ-ERR-001): 408
 * `request-timeout` (REQ-ERR-008) or 400 `invalid-request`; then the connection closes. Not logged:
 * a slow or broken client is not a fault of the node.
 */
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@kyodaku/client';
import { PROBLEM_MEDIA_TYPE, problemBody } from './problem.ts';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout' };

function problemOfClientError(code: unknown): { code: ErrorCode; detail: string } {
  switch (code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'ERR_REQUEST_TIMEOUT', detail: 'the request did not arrive in time' };
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'ERR_INVALID_REQUEST', detail: 'the request headers are too large' };
    default:
      return { code: 'ERR_INVALID_REQUEST', detail: 'not a valid HTTP/1.1 request' };
  }
}

export function onClientError(error: Error & { code?: unknown }, socket: Duplex): void {
  // A response already under way (or a socket already gone) cannot take another one.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const { code, detail } = problemOfClientError(error.code);
    const body = JSON.stringify(problemBody(code, detail));
    const status = problemBody(code).status;
    const head =
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: ${PROBLEM_MEDIA_TYPE}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n`;
    // Closed once the answer is out, or after a second if the client does not take it.
    const timer = setTimeout(() => socket.destroy(), 1000);
    timer.unref();
    socket.end(head + body, () => {
      clearTimeout(timer);
      socket.destroy();
    });
    return;
  }
  socket.destroy();
}
