import type { Operation } from '../operation.js';
import * as events from './log-events.js';
import * as groups from './log-groups.js';
import * as streams from './log-streams.js';

/**
 * The `Logs_20140328.<Operation>` targets Barge serves, by their AWS names: what the AWS CLI's
 * `logs` commands used with Batch call (cloudwatch-logs-api.md §2). Any other target answers
 * UnknownOperationException naming it.
 */
export const OPERATIONS: Record<string, Operation> = {
  CreateLogGroup: groups.createLogGroup,
  DeleteLogGroup: groups.deleteLogGroup,
  DescribeLogGroups: groups.describeLogGroups,
  PutRetentionPolicy: groups.putRetentionPolicy,
  DeleteRetentionPolicy: groups.deleteRetentionPolicy,
  CreateLogStream: streams.createLogStream,
  DeleteLogStream: streams.deleteLogStream,
  DescribeLogStreams: streams.describeLogStreams,
  PutLogEvents: events.putLogEvents,
  GetLogEvents: events.getLogEvents,
  FilterLogEvents: events.filterLogEvents,
};
