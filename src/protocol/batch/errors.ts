import type { ZodError } from 'zod';
import { DomainError } from '../../domain/errors.js';

/** The two errors every Batch operation declares (reference §2). */
export type BatchErrorCode = 'ClientException' | 'ServerException';

export class BatchError extends Error {
  constructor(
    readonly code: BatchErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'BatchError';
  }

  get statusCode(): number {
    return this.code === 'ClientException' ? 400 : 500;
  }
}

export function clientError(message: string, cause?: unknown): BatchError {
  return new BatchError('ClientException', message, cause === undefined ? undefined : { cause });
}

/** AWS front-door style: `1 validation error detected: Value at 'x' failed to satisfy constraint: ...`. */
export function validationError(error: ZodError): BatchError {
  const parts = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : '(body)';
    const message =
      issue.code === 'invalid_type' && issue.received === 'undefined' ? 'Member must not be null' : issue.message;
    return `Value at '${path}' failed to satisfy constraint: ${message}`;
  });
  const count = parts.length === 1 ? '1 validation error detected' : `${parts.length} validation errors detected`;
  return clientError(`${count}: ${parts.join('; ')}`, error);
}

/**
 * The one mapping from anything thrown inside a Batch operation to its wire error: domain
 * errors are the caller's fault (ClientException, their message kept); anything else is a
 * ServerException whose message hides internals.
 */
export function toBatchError(error: unknown): BatchError {
  if (error instanceof BatchError) return error;
  if (error instanceof DomainError) return clientError(error.message, error);
  return new BatchError('ServerException', 'Internal server error', { cause: error });
}
