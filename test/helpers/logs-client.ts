import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { REGION } from './clients.js';

export function logsClient(url: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

/** Every message of a stream, oldest first. */
export async function streamMessages(client: CloudWatchLogsClient, group: string, stream: string): Promise<string[]> {
  const out = await client.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
  return (out.events ?? []).map((e) => e.message ?? '');
}
