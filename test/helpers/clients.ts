import { BatchClient } from '@aws-sdk/client-batch';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';

/** A real SDK v3 Batch client pointed at a Barge URL, signing with throwaway credentials. */
export function batchClient(url: string): BatchClient {
  return new BatchClient({
    endpoint: url,
    region: REGION,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

/** Resolves with the error a promise rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
