/** A small HTTP client over fetch with a timeout that records every exchange for failure messages. */

export interface HttpResponse {
  status: number;
  headers: Headers;
  contentType: string;
  text: string;
  /** The body as bytes (a binary answer such as a snapshot filter file). */
  bytes: Uint8Array;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RequestOptions {
  body?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface Exchange {
  method: string;
  url: string;
  requestContentType?: string;
  requestBody?: string;
  status?: number;
  responseBody?: string;
  error?: string;
}

const PREVIEW = 300;

function preview(body: string | Uint8Array | undefined): string | undefined {
  if (body === undefined) return undefined;
  const text = typeof body === 'string' ? body : `<${body.length} bytes>`;
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW)}… (${text.length} chars)` : text;
}

export class Http {
  readonly exchanges: Exchange[] = [];

  constructor(
    readonly baseUrl: string,
    readonly timeoutMs: number,
  ) {}

  async request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const url = path.startsWith('http') ? path : this.baseUrl.replace(/\/+$/, '') + path;
    const exchange: Exchange = {
      method,
      url,
      requestContentType: options.contentType,
      requestBody: preview(options.body),
    };
    this.exchanges.push(exchange);
    const headers: Record<string, string> = { ...options.headers };
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
    const send = () =>
      fetch(url, {
        method,
        headers,
        body: options.body as BodyInit | undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    let response: Response;
    try {
      response = await send();
    } catch {
      // A node may close a connection after refusing an oversized body without reading it
      // (REQ-ERR-003); a pooled connection can then fail once. Retry once on a fresh one.
      try {
        response = await send();
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        exchange.error = `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
        throw new Error(`${method} ${url}: ${exchange.error}`);
      }
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    exchange.status = response.status;
    exchange.responseBody = preview(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      status: response.status,
      headers: response.headers,
      contentType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(),
      text,
      bytes,
      json,
    };
  }

  get(path: string, headers?: Record<string, string>): Promise<HttpResponse> {
    return this.request('GET', path, { headers });
  }

  /** The last few exchanges, for a failure message. */
  transcript(last = 2): string {
    return this.exchanges
      .slice(-last)
      .map((e) => {
        const req = `${e.method} ${e.url}${e.requestContentType ? ` [${e.requestContentType}]` : ''}`;
        const body = e.requestBody !== undefined ? `\n    request body: ${e.requestBody}` : '';
        const res = e.error ? `error: ${e.error}` : `${e.status} ${e.responseBody ?? ''}`;
        return `  > ${req}${body}\n  < ${res}`;
      })
      .join('\n');
  }
}
