import { z } from 'zod';

/**
 * Request shapes of the Logs operations Barge serves, from the botocore model `logs/2014-03-28`
 * (../shared/reference/cloudwatch-logs-api.md §6, §7). Unknown members are dropped; members that
 * only matter on AWS (accountIdentifiers, unmask, entity, sequenceToken…) are accepted and ignored.
 */

const int = z.number().int();
const logGroupName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[.\-_/#A-Za-z0-9]+$/, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+');
const logGroupIdentifier = z
  .string()
  .min(1)
  .max(2048)
  .regex(/^[\w#+=/:,.@-]*$/, 'Member must satisfy regular expression pattern: [\\w#+=/:,.@-]*');
const logStreamName = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[^:*]*$/, 'Member must satisfy regular expression pattern: [^:*]*');
const timestamp = int.min(0);
const nextToken = z.string().min(1);
const describeLimit = int.min(1).max(50);
const eventsLimit = int.min(1).max(10_000);
const logGroupClass = z.enum(['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY']);
const tags = z
  .record(z.string().min(1).max(128), z.string().max(256))
  .refine((t) => Object.keys(t).length >= 1 && Object.keys(t).length <= 50, 'Member must have between 1 and 50 tags');

/** Read operations name the group by `logGroupName` or `logGroupIdentifier` (name or ARN). */
const groupReference = {
  logGroupName: logGroupName.optional(),
  logGroupIdentifier: logGroupIdentifier.optional(),
};

export const createLogGroup = z.object({
  logGroupName,
  kmsKeyId: z.string().max(256).optional(),
  tags: tags.optional(),
  logGroupClass: logGroupClass.optional(),
  deletionProtectionEnabled: z.boolean().optional(),
});

export const logGroupOnly = z.object({ logGroupName });

export const putRetentionPolicy = z.object({ logGroupName, retentionInDays: int });

export const describeLogGroups = z.object({
  accountIdentifiers: z.array(z.string().regex(/^\d{12}$/)).max(20).optional(),
  logGroupNamePrefix: logGroupName.optional(),
  logGroupNamePattern: z
    .string()
    .max(512)
    .regex(/^[.\-_/#A-Za-z0-9]*$/, 'Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]*')
    .optional(),
  nextToken: nextToken.optional(),
  limit: describeLimit.optional(),
  includeLinkedAccounts: z.boolean().optional(),
  logGroupClass: logGroupClass.optional(),
  logGroupIdentifiers: z.array(logGroupIdentifier).min(1).max(50).optional(),
});

export const logStreamReference = z.object({ logGroupName, logStreamName });

export const describeLogStreams = z.object({
  ...groupReference,
  logStreamNamePrefix: logStreamName.optional(),
  orderBy: z.enum(['LogStreamName', 'LastEventTime']).optional(),
  descending: z.boolean().optional(),
  nextToken: nextToken.optional(),
  limit: describeLimit.optional(),
});

export const putLogEvents = z.object({
  logGroupName,
  logStreamName,
  logEvents: z.array(z.object({ timestamp, message: z.string().min(1) })).min(1).max(10_000),
  sequenceToken: z.string().optional(),
});

export const getLogEvents = z.object({
  ...groupReference,
  logStreamName,
  startTime: timestamp.optional(),
  endTime: timestamp.optional(),
  nextToken: nextToken.optional(),
  limit: eventsLimit.optional(),
  startFromHead: z.boolean().optional(),
  unmask: z.boolean().optional(),
});

export const filterLogEvents = z.object({
  ...groupReference,
  logStreamNames: z.array(logStreamName).min(1).max(100).optional(),
  logStreamNamePrefix: logStreamName.optional(),
  startTime: timestamp.optional(),
  endTime: timestamp.optional(),
  filterPattern: z.string().max(1024).optional(),
  nextToken: nextToken.optional(),
  limit: eventsLimit.optional(),
  interleaved: z.boolean().optional(),
  unmask: z.boolean().optional(),
});
