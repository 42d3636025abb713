import type { LogEvent, LogGroup, LogGroupClass, LogStream } from './log-store.js';

/** What the Logs service takes and returns, in domain terms (the protocol maps the wire onto these). */

export interface LogGroupView extends LogGroup {
  /** Without the `:*` DescribeLogGroups' `arn` member adds. */
  arn: string;
}

export interface LogStreamView extends LogStream {
  arn: string;
}

export interface CreateLogGroup {
  logGroupName: string;
  kmsKeyId?: string;
  tags?: Record<string, string>;
  logGroupClass?: LogGroupClass;
  deletionProtectionEnabled?: boolean;
}

export interface DescribeLogGroups {
  logGroupNamePrefix?: string;
  logGroupNamePattern?: string;
  /** Names or ARNs. */
  logGroupIdentifiers?: string[];
  logGroupClass?: LogGroupClass;
  limit?: number;
  nextToken?: string;
}

export interface DescribeLogStreams {
  /** Name or ARN. */
  logGroup: string;
  logStreamNamePrefix?: string;
  orderBy?: 'LogStreamName' | 'LastEventTime';
  descending?: boolean;
  limit?: number;
  nextToken?: string;
}

export interface GetLogEvents {
  logGroup: string;
  logStreamName: string;
  startTime?: number;
  endTime?: number;
  nextToken?: string;
  limit?: number;
  startFromHead?: boolean;
}

export interface LogEventsPage {
  events: LogEvent[];
  nextForwardToken: string;
  nextBackwardToken: string;
}

export interface FilterLogEvents {
  logGroup: string;
  logStreamNames?: string[];
  logStreamNamePrefix?: string;
  startTime?: number;
  endTime?: number;
  filterPattern?: string;
  limit?: number;
  nextToken?: string;
}

export interface FilteredLogEvent extends LogEvent {
  logStreamName: string;
  eventId: string;
}
