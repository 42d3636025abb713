import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
} from '@aws-sdk/client-cloudwatch-logs';

export { logsClient } from '../../helpers/logs-client.js';

export interface SeedEvent {
  timestamp: number;
  message: string;
}

/** Creates the group (if missing) and the stream, then PutLogEvents in batches of at most 10,000. */
export async function seedStream(client: CloudWatchLogsClient, logGroupName: string, logStreamName: string, events: SeedEvent[]): Promise<void> {
  try {
    await client.send(new CreateLogGroupCommand({ logGroupName }));
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
  }
  await client.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
  for (let i = 0; i < events.length; i += 10_000) {
    await client.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: events.slice(i, i + 10_000) }));
  }
}

/** `count` events one second apart from `start`, messages `<prefix> <i>`. */
export function eventsFrom(start: number, count: number, prefix = 'line'): SeedEvent[] {
  return Array.from({ length: count }, (_, i) => ({ timestamp: start + i * 1000, message: `${prefix} ${i}` }));
}
