import aws4 from 'aws4';
import { request as httpRequest } from 'node:http';
import { REGION } from './clients.js';

export interface SignedRequest {
  method?: string;
  /** Path and query, as sent (already percent-encoded). */
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Credential-scope service: 'batch' (default) or 'logs'. */
  service?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** The Host header to send (and sign), when not the URL's. */
  host?: string;
}

/**
 * A raw HTTP request signed with SigV4 (aws4), for tests that check the wire byte by byte:
 * Barge refuses unsigned requests, so plain fetch only shows the refusal. Sent with node:http
 * so that any Host header can be sent, as a DNS-rebinding page or a proxy would.
 */
export function signedFetch(url: string, request: SignedRequest): Promise<Response> {
  const endpoint = new URL(url);
  const method = request.method ?? 'POST';
  const signed = aws4.sign(
    {
      service: request.service ?? 'batch',
      region: REGION,
      method,
      host: request.host ?? endpoint.host,
      path: request.path,
      headers: { ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    request.credentials ?? { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  );
  const headers = Object.fromEntries(Object.entries(signed.headers ?? {}).map(([k, v]) => [k, String(v)]));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: endpoint.hostname, port: endpoint.port, method, path: request.path, headers, setHost: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const body = chunks.length > 0 ? Buffer.concat(chunks) : null;
          resolve(new Response(body, { status: res.statusCode ?? 0, headers: responseHeaders }));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
