import type { LogGroupView, LogStreamView } from '../../domain/logs/logs.js';
import { defined } from './operation.js';

/**
 * Domain views → the model's LogGroup and LogStream shapes (cloudwatch-logs-api.md §7). Unset
 * optional members are left out rather than sent as null.
 */
export function renderLogGroup(group: LogGroupView): Record<string, unknown> {
  return defined({
    logGroupName: group.logGroupName,
    creationTime: group.creationTime,
    retentionInDays: group.retentionInDays,
    metricFilterCount: 0,
    // DescribeLogGroups' `arn` carries a trailing `:*`; `logGroupArn` does not (§1).
    arn: `${group.arn}:*`,
    storedBytes: group.storedBytes,
    kmsKeyId: group.kmsKeyId,
    logGroupClass: group.logGroupClass,
    logGroupArn: group.arn,
    deletionProtectionEnabled: group.deletionProtectionEnabled,
  });
}

/** With `logGroupNamePattern`, DescribeLogGroups returns only these three members (§5). */
export function renderLogGroupSummary(group: LogGroupView): Record<string, unknown> {
  return { arn: `${group.arn}:*`, creationTime: group.creationTime, logGroupName: group.logGroupName };
}

export function renderLogStream(stream: LogStreamView): Record<string, unknown> {
  return defined({
    logStreamName: stream.logStreamName,
    creationTime: stream.creationTime,
    firstEventTimestamp: stream.firstEventTimestamp,
    lastEventTimestamp: stream.lastEventTimestamp,
    lastIngestionTime: stream.lastIngestionTime,
    arn: stream.arn,
    storedBytes: stream.storedBytes,
  });
}
