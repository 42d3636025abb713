/**
 * Errors the domain raises. They carry what went wrong in domain terms only; each
 * protocol adapter maps them onto its own wire error (see protocol/batch/errors.ts).
 */
export type ResourceKind =
  | 'compute environment'
  | 'job queue'
  | 'job definition'
  | 'job'
  | 'scheduling policy'
  | 'log group'
  | 'log stream'
  | 'resource';

export abstract class DomainError extends Error {
  abstract readonly kind: 'not-found' | 'conflict' | 'invalid' | 'invalid-state';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A referenced resource does not exist. */
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
  constructor(readonly resource: ResourceKind, readonly id: string, message?: string) {
    super(message ?? `${capitalize(resource)} ${id} does not exist`);
  }
}

/** The resource already exists, or the change clashes with another resource. */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
  constructor(readonly resource: ResourceKind, readonly id: string, message: string) {
    super(message);
  }
}

/** The request is well-formed but its content breaks a rule of the service. */
export class InvalidInputError extends DomainError {
  readonly kind = 'invalid' as const;
}

/** The resource exists but its current state forbids the operation. */
export class InvalidStateError extends DomainError {
  readonly kind = 'invalid-state' as const;
  constructor(readonly resource: ResourceKind, readonly id: string, message: string) {
    super(message);
  }
}

/**
 * A store could not keep a write because the disk that holds it is full. Nothing of the write
 * was kept, and the same write may succeed once space is freed. Not a DomainError: to a client
 * it is the service's failure (ServerException, ServiceUnavailableException), not theirs.
 */
export class StorageFullError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StorageFullError';
  }
}

/**
 * A store cannot reach its database now (a lost or refused connection). Nothing of the failed
 * operation was kept; the same request may be retried as is. Like StorageFullError, the
 * service's failure, answered with a retryable server error.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * A write of the leader's work (scheduling, attempts, job output) was refused because this
 * process no longer holds the lead under the term it acted on: another replica leads now, or
 * the lease could not be renewed in time. Nothing of the write was kept; the work is abandoned
 * here and picked up by the leader.
 */
export class LeadershipLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeadershipLostError';
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
