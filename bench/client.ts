import { Agent } from 'node:http';
import { BatchClient } from '@aws-sdk/client-batch';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

/**
 * A real SDK v3 client with no retries (a retry would hide a failure and skew latencies) and
 * keep-alive sockets, so a measurement is not dominated by TCP connects. The request timeout turns
 * a stuck server into a failed run instead of a hung one.
 */
export function makeClient(url: string): BatchClient {
  return new BatchClient({
    endpoint: url,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 16 }), requestTimeout: 60_000 }),
  });
}
