import { type EvaluateOnExit, isRetry, type RetryStrategy } from '../resources/job-definition.js';

/** What ended an attempt, as evaluateOnExit sees it (reference §6, "Retry decision"). */
export interface AttemptOutcome {
  exitCode?: number;
  /** The container-level reason (`container.reason`). */
  reason?: string;
  /** The attempt's statusReason. */
  statusReason: string;
  /** Timeouts, cancels and terminations never retry. */
  neverRetry: boolean;
}

/** `*` only as a trailing wildcard; otherwise an exact, case-sensitive match. */
export function globMatches(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;
}

function ruleMatches(rule: EvaluateOnExit, outcome: AttemptOutcome): boolean {
  if (rule.onExitCode !== undefined && !globMatches(rule.onExitCode, outcome.exitCode?.toString())) return false;
  if (rule.onReason !== undefined && !globMatches(rule.onReason, outcome.reason)) return false;
  if (rule.onStatusReason !== undefined && !globMatches(rule.onStatusReason, outcome.statusReason)) return false;
  return true;
}

/**
 * After a failed attempt: RETRY while attempts remain, unless the failure never retries or the
 * first evaluateOnExit rule that matches says EXIT. No matching rule means RETRY.
 */
export function shouldRetry(strategy: RetryStrategy | undefined, attemptsMade: number, outcome: AttemptOutcome): boolean {
  if (outcome.neverRetry) return false;
  if (attemptsMade >= (strategy?.attempts ?? 1)) return false;
  const rule = strategy?.evaluateOnExit?.find((r) => ruleMatches(r, outcome));
  return rule ? isRetry(rule) : true;
}
