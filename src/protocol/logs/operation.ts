import type { z } from 'zod';
import type { Logs } from '../../domain/logs/logs.js';
import { invalidParameter, validationError } from './errors.js';

/** One Logs operation: the parsed JSON body in, the response members out. */
export type Operation = (logs: Logs, body: unknown) => Promise<Record<string, unknown>>;

export function parse<S extends z.ZodTypeAny>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw validationError(result.error, body);
  return result.data as z.output<S>;
}

/**
 * The group a read operation names: `logGroupName` or `logGroupIdentifier` (a name or an ARN),
 * exactly one of them (model doc of GetLogEvents, DescribeLogStreams, FilterLogEvents).
 */
export function groupOf(request: { logGroupName?: string | undefined; logGroupIdentifier?: string | undefined }): string {
  if (request.logGroupName !== undefined && request.logGroupIdentifier !== undefined) {
    throw invalidParameter('LogGroupName and LogGroupIdentifier are mutually exclusive. Only one of them may be specified.');
  }
  const group = request.logGroupName ?? request.logGroupIdentifier;
  if (group === undefined) throw invalidParameter('Either LogGroupName or LogGroupIdentifier must be specified.');
  return group;
}

/** Copies the defined members of `from`, so unset optional members are left out of the JSON. */
export function defined<T extends object>(from: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
