import { Agent, request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CREDENTIALS, REGION } from './client.js';
import { Sha256 } from './signing.js';

/**
 * A minimal Batch client for throughput runs: one keep-alive connection, each request signed
 * with SigV4 and sent as the SDK sends it (`POST /v1/submitjob`, JSON body), without the SDK's
 * middleware stack. On a 2-core machine the SDK client costs about as much CPU per SubmitJob as
 * Barge itself, so SDK-driven runs measure the client as much as the server; this client costs a
 * fraction of that and leaves the cores to the server under test. The bench reports both.
 */
export class WireBatchClient {
  private readonly endpoint: URL;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly signer = new SignatureV4({ service: 'batch', region: REGION, credentials: CREDENTIALS, sha256: Sha256 });

  constructor(url: string) {
    this.endpoint = new URL(url);
  }

  async submitJob(input: { jobName: string; jobQueue: string; jobDefinition: string }): Promise<string> {
    const out = (await this.call('/v1/submitjob', input)) as { jobId?: string };
    if (!out.jobId) throw new Error('SubmitJob returned no jobId');
    return out.jobId;
  }

  private async call(path: string, input: unknown): Promise<unknown> {
    const body = JSON.stringify(input);
    const signed = await this.signer.sign({
      method: 'POST',
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: Number(this.endpoint.port),
      path,
      query: {},
      headers: { host: this.endpoint.host, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
    return new Promise((resolve, reject) => {
      const req = request(
        { host: this.endpoint.hostname, port: this.endpoint.port, path, method: 'POST', agent: this.agent, headers: signed.headers, timeout: 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 300)}`));
            else resolve(JSON.parse(text));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${path} timed out`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}
