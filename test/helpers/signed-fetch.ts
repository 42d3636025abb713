import aws4 from 'aws4';
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
}

/**
 * A raw HTTP request signed with SigV4 (aws4), for tests that check the wire byte by byte:
 * Barge refuses unsigned requests, so plain fetch only shows the refusal.
 */
export function signedFetch(url: string, request: SignedRequest): Promise<Response> {
  const endpoint = new URL(url);
  const method = request.method ?? 'POST';
  const signed = aws4.sign(
    {
      service: request.service ?? 'batch',
      region: REGION,
      method,
      host: endpoint.host,
      path: request.path,
      headers: { ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    },
    request.credentials ?? { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
  );
  const headers = Object.fromEntries(Object.entries(signed.headers ?? {}).map(([k, v]) => [k, String(v)]));
  delete headers['Host'];
  delete headers['Content-Length'];
  return fetch(`${endpoint.origin}${request.path}`, { method, headers, ...(request.body === undefined ? {} : { body: request.body }) });
}
