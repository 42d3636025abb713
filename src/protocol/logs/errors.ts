import type { ZodError, ZodIssue } from 'zod';
import { DomainError } from '../../domain/errors.js';
import type { JsonRpcError } from '../json-rpc.js';

/**
 * The `__type`s Barge's Logs adapter sends (cloudwatch-logs-api.md §1). UnknownOperationException
 * comes from the JSON 1.1 dispatcher (json-rpc.ts) for targets it cannot route.
 */
export type LogsErrorCode =
  | 'ResourceNotFoundException'
  | 'ResourceAlreadyExistsException'
  | 'InvalidParameterException'
  | 'ValidationException'
  | 'ServiceUnavailableException';

export class LogsError extends Error implements JsonRpcError {
  constructor(
    readonly code: LogsErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'LogsError';
  }

  get statusCode(): number {
    return this.code === 'ServiceUnavailableException' ? 500 : 400;
  }
}

export function invalidParameter(message: string, cause?: unknown): LogsError {
  return new LogsError('InvalidParameterException', message, cause === undefined ? undefined : { cause });
}

/**
 * Model-constraint failures. CloudWatch Logs reports them as InvalidParameterException with the
 * front door's text: `1 validation error detected: Value 'x:y' at 'logStreamName' failed to
 * satisfy constraint: Member must satisfy regular expression pattern: [^:*]*`.
 */
export function validationError(error: ZodError, body: unknown): LogsError {
  const parts = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    return `Value ${show(valueAt(body, issue.path))} at '${path}' failed to satisfy constraint: ${constraintOf(issue)}`;
  });
  const count = parts.length === 1 ? '1 validation error detected' : `${parts.length} validation errors detected`;
  return invalidParameter(`${count}: ${parts.join('; ')}`, error);
}

/**
 * The one mapping from what a Logs operation throws to its wire error. Messages for missing and
 * duplicate resources are AWS's own (§1); other domain errors keep theirs.
 */
export function toLogsError(error: unknown): LogsError {
  if (error instanceof LogsError) return error;
  if (error instanceof DomainError) {
    const options = { cause: error };
    const resource = 'resource' in error ? error.resource : undefined;
    const known = resource === 'log group' || resource === 'log stream';
    switch (error.kind) {
      case 'not-found':
        return known
          ? new LogsError('ResourceNotFoundException', `The specified ${resource} does not exist.`, options)
          : new LogsError('ResourceNotFoundException', error.message, options);
      case 'conflict':
        return known
          ? new LogsError('ResourceAlreadyExistsException', `The specified ${resource} already exists`, options)
          : new LogsError('ResourceAlreadyExistsException', error.message, options);
      case 'invalid-state':
        // AWS's answer to a delete blocked by deletion protection.
        return new LogsError('ValidationException', error.message, options);
      case 'invalid':
        return invalidParameter(error.message, error);
    }
  }
  return new LogsError('ServiceUnavailableException', 'The service cannot complete the request.', { cause: error });
}

function constraintOf(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? 'Member must not be null' : `Member must be of type ${issue.expected}`;
    case 'too_small':
      return issue.type === 'number'
        ? `Member must have value greater than or equal to ${String(issue.minimum)}`
        : `Member must have length greater than or equal to ${String(issue.minimum)}`;
    case 'too_big':
      return issue.type === 'number'
        ? `Member must have value less than or equal to ${String(issue.maximum)}`
        : `Member must have length less than or equal to ${String(issue.maximum)}`;
    case 'invalid_enum_value':
      return `Member must satisfy enum value set: [${issue.options.join(', ')}]`;
    default:
      return issue.message;
  }
}

function valueAt(body: unknown, path: (string | number)[]): unknown {
  let node = body;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

function show(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 100 ? `${text.slice(0, 100)}…` : text}'`;
}
