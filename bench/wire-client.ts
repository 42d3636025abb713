import aws4 from 'aws4';
import { Client } from 'undici';
import { CREDENTIALS, REGION } from './client.js';

/**
 * A minimal Batch client for throughput runs: one keep-alive connection, each request signed
 * with SigV4 and sent as the SDK sends it (`POST /v1/submitjob`, JSON body), without the SDK's
 * middleware stack. On a 2-core machine the client shares the cores with the server under test,
 * and with one sequential client its cost adds to every round trip, so it is kept small: undici's
 * dispatch() instead of node:http (about half the CPU per request) and aws4's synchronous signer instead of
 * @smithy/signature-v4 (19 µs against 63 µs a signature, measured on the bench machine). Both
 * servers get the same client; the bench also reports SDK clients.
 */
export class WireBatchClient {
  private readonly endpoint: URL;
  private readonly client: Client;

  constructor(url: string) {
    this.endpoint = new URL(url);
    this.client = new Client(this.endpoint.origin, { pipelining: 1, headersTimeout: 60_000, bodyTimeout: 60_000 });
  }

  async submitJob(input: { jobName: string; jobQueue: string; jobDefinition: string }): Promise<string> {
    const out = (await this.call('/v1/submitjob', input)) as { jobId?: string };
    if (!out.jobId) throw new Error('SubmitJob returned no jobId');
    return out.jobId;
  }

  private call(path: string, input: unknown): Promise<unknown> {
    const body = JSON.stringify(input);
    const signed = aws4.sign(
      { service: 'batch', region: REGION, method: 'POST', host: this.endpoint.host, path, headers: { 'content-type': 'application/json' }, body },
      CREDENTIALS,
    );
    // dispatch() rather than request(): the response body arrives as chunks in callbacks
    // instead of through a Readable stream built for every response.
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let status = 0;
      this.client.dispatch(
        { method: 'POST', path, headers: signed.headers as Record<string, string>, body },
        {
          // Its presence is what tells undici this handler uses the controller-style callbacks.
          onRequestStart: () => undefined,
          onResponseStart: (_controller, statusCode) => {
            status = statusCode;
          },
          onResponseData: (_controller, chunk) => {
            chunks.push(chunk);
          },
          onResponseEnd: () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (status !== 200) reject(new Error(`${path} answered ${status}: ${text.slice(0, 300)}`));
            else resolve(JSON.parse(text));
          },
          onResponseError: (_controller, error) => reject(error),
        },
      );
    });
  }

  destroy(): void {
    void this.client.destroy();
  }
}
