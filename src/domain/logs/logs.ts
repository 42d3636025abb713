import type { Page } from '../common.js';
import { InvalidInputError, InvalidStateError, NotFoundError } from '../errors.js';
import { decodeToken, encodeToken, toPage } from '../pagination.js';
import type { Clock } from '../ports.js';
import { admitEvents, type InputLogEvent, type RejectedLogEvents } from './admit-events.js';
import { decodeEventToken, encodeEventToken, type EventToken, eventId } from './event-token.js';
import { compileFilterPattern } from './filter-pattern.js';
import {
  DESCRIBE_DEFAULT_LIMIT,
  END_OF_TIME,
  eventSize,
  FILTER_MAX_MILLIS,
  FILTER_MAX_SCANNED,
  FILTER_MAX_SCANNED_BYTES,
  MAX_EVENTS_PER_PAGE,
  MAX_PAGE_BYTES,
  RETENTION_DAYS,
} from './limits.js';
import { LogArns } from './log-arns.js';
import type {
  CreateLogGroup,
  DescribeLogGroups,
  DescribeLogStreams,
  FilteredLogEvent,
  FilterLogEvents,
  GetLogEvents,
  LogEventsPage,
  LogGroupView,
  LogStreamView,
} from './log-commands.js';
import type { EventPosition, LogGroup, LogStore } from './log-store.js';

export type * from './log-commands.js';

/** The group AWS Batch's awslogs driver writes job output to. */
export const BATCH_JOB_LOG_GROUP = '/aws/batch/job';

export interface LogsDeps {
  store: LogStore;
  clock: Clock;
  region: string;
  accountId: string;
}

/**
 * CloudWatch Logs semantics (../shared/reference/cloudwatch-logs-api.md): groups, streams, event
 * ingestion and the three ways of reading events back. Shape checks (types, lengths, ranges) are
 * the protocol's; what is checked here is meaning: existence, combinations, order, time rules.
 */
export class Logs {
  readonly arns: LogArns;
  private readonly store: LogStore;
  private readonly clock: Clock;

  constructor(deps: LogsDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.arns = new LogArns(deps.region, deps.accountId);
  }

  // ---- groups ----

  async createLogGroup(command: CreateLogGroup): Promise<void> {
    if (command.logGroupName.startsWith('aws/')) throw new InvalidInputError("Log group names must not start with 'aws/'");
    const group = this.newGroup(command.logGroupName);
    if (command.logGroupClass) group.logGroupClass = command.logGroupClass;
    if (command.kmsKeyId !== undefined) group.kmsKeyId = command.kmsKeyId;
    if (command.tags !== undefined) group.tags = command.tags;
    if (command.deletionProtectionEnabled) group.deletionProtectionEnabled = true;
    await this.store.createLogGroup(group);
  }

  async deleteLogGroup(logGroupName: string): Promise<void> {
    await this.requireDeletable(logGroupName);
    if (!(await this.store.deleteLogGroup(logGroupName))) throw new NotFoundError('log group', logGroupName);
  }

  async putRetentionPolicy(logGroupName: string, retentionInDays: number): Promise<void> {
    if (!RETENTION_DAYS.includes(retentionInDays)) {
      throw new InvalidInputError(`retentionInDays must be one of ${RETENTION_DAYS.join(', ')}; got ${retentionInDays}`);
    }
    if (!(await this.store.setRetention(logGroupName, retentionInDays))) throw new NotFoundError('log group', logGroupName);
  }

  async deleteRetentionPolicy(logGroupName: string): Promise<void> {
    if (!(await this.store.setRetention(logGroupName, undefined))) throw new NotFoundError('log group', logGroupName);
  }

  async describeLogGroups(query: DescribeLogGroups): Promise<Page<LogGroupView>> {
    if (query.logGroupNamePrefix !== undefined && query.logGroupNamePattern !== undefined) {
      throw new InvalidInputError('LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive. Only one of them may be specified.');
    }
    const slice = await this.store.listLogGroups({
      prefix: query.logGroupNamePrefix,
      contains: query.logGroupNamePattern,
      names: query.logGroupIdentifiers?.map((id) => this.arns.groupName(id)),
      logGroupClass: query.logGroupClass,
      after: decodeToken('DescribeLogGroups', query.nextToken),
      limit: query.limit ?? DESCRIBE_DEFAULT_LIMIT,
    });
    return toPage('DescribeLogGroups', slice, (group) => ({ ...group, arn: this.arns.group(group.logGroupName) }));
  }

  // ---- streams ----

  async createLogStream(logGroupName: string, logStreamName: string): Promise<void> {
    await this.store.createLogStream(logGroupName, logStreamName, this.clock.now());
  }

  async deleteLogStream(logGroupName: string, logStreamName: string): Promise<void> {
    await this.requireDeletable(logGroupName);
    if (!(await this.store.deleteLogStream(logGroupName, logStreamName))) throw new NotFoundError('log stream', logStreamName);
  }

  async describeLogStreams(query: DescribeLogStreams): Promise<Page<LogStreamView>> {
    const logGroupName = await this.requireGroup(query.logGroup);
    const orderBy = query.orderBy ?? 'LogStreamName';
    if (orderBy === 'LastEventTime' && query.logStreamNamePrefix !== undefined) {
      throw new InvalidInputError('Cannot order by LastEventTime with a logStreamNamePrefix.');
    }
    const descending = query.descending ?? false;
    // The scope binds a token to its ordering: a cursor of one order means nothing in the other.
    const scope = `DescribeLogStreams/${orderBy}/${descending ? 'desc' : 'asc'}`;
    const slice = await this.store.listLogStreams({
      logGroupName,
      prefix: query.logStreamNamePrefix,
      orderBy,
      descending,
      after: decodeToken(scope, query.nextToken),
      limit: query.limit ?? DESCRIBE_DEFAULT_LIMIT,
    });
    return toPage(scope, slice, (stream) => ({ ...stream, arn: this.arns.stream(stream.logGroupName, stream.logStreamName) }));
  }

  // ---- events ----

  async putLogEvents(command: { logGroupName: string; logStreamName: string; logEvents: InputLogEvent[] }): Promise<{ rejected?: RejectedLogEvents }> {
    const group = await this.store.getLogGroup(command.logGroupName);
    if (!group) throw new NotFoundError('log group', command.logGroupName);
    const now = this.clock.now();
    const { accepted, rejected } = admitEvents(command.logEvents, now, group.retentionInDays);
    const events = accepted.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: now }));
    // Appending nothing still proves the stream exists, so a bad stream name is reported either way.
    await this.store.appendLogEvents(command.logGroupName, command.logStreamName, events);
    return rejected ? { rejected } : {};
  }

  /**
   * Records a job container's output (the executor's path, not a wire operation): creates the
   * group (normally /aws/batch/job) and the stream on first use, then appends, all in one
   * transaction. Empty lines are dropped, as AWS never stores an empty message. The AWS ingestion
   * rules are not applied: the runner stamps lines as they arrive.
   */
  async appendJobOutput(logGroupName: string, logStreamName: string, events: InputLogEvent[], resumeCursor?: string): Promise<void> {
    const now = this.clock.now();
    const stored = events.filter((e) => e.message.length > 0).map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: now }));
    await this.store.appendLogEvents(logGroupName, logStreamName, stored, { group: this.newGroup(logGroupName), streamCreationTime: now }, resumeCursor);
  }

  /** Where a job's output resumes: after the last lines stored (see LogStore.getResumeCursor). */
  jobOutputResumeCursor(logGroupName: string, logStreamName: string): Promise<string | undefined> {
    return this.store.getResumeCursor(logGroupName, logStreamName);
  }

  /**
   * GetLogEvents (reference §3). Without a token, startFromHead picks the oldest or the newest
   * events of the time range; with one, the token alone decides the direction. The page is always
   * oldest first and both tokens are always set; at either end the token sent comes back unchanged.
   */
  async getLogEvents(query: GetLogEvents): Promise<LogEventsPage> {
    const logGroupName = await this.requireStream(query.logGroup, query.logStreamName);
    const startTime = query.startTime ?? 0;
    const endTime = query.endTime ?? END_OF_TIME;
    const token: EventToken = query.nextToken
      ? decodeEventToken(query.nextToken)
      : query.startFromHead
        ? { direction: 'forward', position: { timestamp: startTime, seq: 0 } }
        : { direction: 'backward', position: { timestamp: endTime, seq: 0 } };
    const events = await this.store.readStreamEvents({
      logGroupName,
      logStreamName: query.logStreamName,
      direction: token.direction,
      from: token.position,
      startTime,
      endTime,
      limit: query.limit ?? MAX_EVENTS_PER_PAGE,
      maxBytes: MAX_PAGE_BYTES,
      eventSize,
    });
    const oldest = events[0];
    const newest = events[events.length - 1];
    let forward: EventPosition;
    let backward: EventPosition;
    if (oldest && newest) {
      forward = { timestamp: newest.timestamp, seq: newest.seq };
      // The boundary just before `oldest`: seqs are integers, so (t, seq − 1) lies between it and
      // every earlier event.
      backward = { timestamp: oldest.timestamp, seq: oldest.seq - 1 };
    } else if (!query.nextToken && token.direction === 'backward') {
      // Nothing in the range yet: a forward token from the range's start sees whatever arrives.
      forward = { timestamp: startTime, seq: 0 };
      backward = token.position;
    } else {
      forward = backward = token.position;
    }
    return {
      events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
      nextForwardToken: encodeEventToken({ direction: 'forward', position: forward }),
      nextBackwardToken: encodeEventToken({ direction: 'backward', position: backward }),
    };
  }

  /**
   * FilterLogEvents (reference §3, §4): events of the group's streams interleaved in (timestamp,
   * seq) order, endTime inclusive. nextToken is absent only once the range is exhausted, which is
   * what lets `aws logs tail` stop, or sleep between polls with --follow.
   */
  async filterLogEvents(query: FilterLogEvents): Promise<{ events: FilteredLogEvent[]; nextToken?: string }> {
    if (query.logStreamNames !== undefined && query.logStreamNamePrefix !== undefined) {
      throw new InvalidInputError('logStreamNames and logStreamNamePrefix are mutually exclusive. Only one of them may be specified.');
    }
    const match = compileFilterPattern(query.filterPattern);
    const logGroupName = await this.requireGroup(query.logGroup);
    const page = await this.store.readGroupEvents({
      logGroupName,
      logStreamNames: query.logStreamNames,
      logStreamNamePrefix: query.logStreamNamePrefix,
      after: decodePosition(decodeToken('FilterLogEvents', query.nextToken)),
      startTime: query.startTime ?? 0,
      endTime: query.endTime ?? END_OF_TIME,
      match,
      limit: query.limit ?? MAX_EVENTS_PER_PAGE,
      maxBytes: MAX_PAGE_BYTES,
      eventSize,
      maxScanned: FILTER_MAX_SCANNED,
      maxScannedBytes: FILTER_MAX_SCANNED_BYTES,
      maxMillis: FILTER_MAX_MILLIS,
    });
    const events = page.events.map((e) => ({
      logStreamName: e.logStreamName,
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
      eventId: eventId(e),
    }));
    const nextToken = page.resumeAfter && encodeToken('FilterLogEvents', `${page.resumeAfter.timestamp}/${page.resumeAfter.seq}`);
    return nextToken ? { events, nextToken } : { events };
  }

  // ---- helpers ----

  private newGroup(logGroupName: string): LogGroup {
    return { logGroupName, creationTime: this.clock.now(), storedBytes: 0, logGroupClass: 'STANDARD', deletionProtectionEnabled: false };
  }

  /** Resolves a name or ARN to the name of an existing group. */
  private async requireGroup(identifier: string): Promise<string> {
    const logGroupName = this.arns.groupName(identifier);
    if (!(await this.store.getLogGroup(logGroupName))) throw new NotFoundError('log group', logGroupName);
    return logGroupName;
  }

  private async requireStream(identifier: string, logStreamName: string): Promise<string> {
    const logGroupName = this.arns.groupName(identifier);
    if (!(await this.store.getLogStream(logGroupName, logStreamName))) {
      if (!(await this.store.getLogGroup(logGroupName))) throw new NotFoundError('log group', logGroupName);
      throw new NotFoundError('log stream', logStreamName);
    }
    return logGroupName;
  }

  /** Deletion protection blocks every delete in the group (AWS answers ValidationException). */
  private async requireDeletable(logGroupName: string): Promise<void> {
    const group = await this.store.getLogGroup(logGroupName);
    if (!group) throw new NotFoundError('log group', logGroupName);
    if (group.deletionProtectionEnabled) {
      throw new InvalidStateError('log group', logGroupName, 'Cannot delete log group with deletion protection enabled. Disable deletion protection first.');
    }
  }
}

function decodePosition(cursor: string | undefined): EventPosition | undefined {
  if (cursor === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(cursor);
  if (!match) throw new InvalidInputError('The specified nextToken is invalid.');
  return { timestamp: Number(match[1]), seq: Number(match[2]) };
}
