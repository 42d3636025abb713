import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatches, shouldRetry } from '../../src/domain/jobs/retries.js';

const failed = (exitCode: number, statusReason = 'Essential container in task exited', reason?: string) => ({
  exitCode,
  statusReason,
  neverRetry: false,
  ...(reason ? { reason } : {}),
});

test('glob patterns only take a trailing *', () => {
  assert.equal(globMatches('1*', '137'), true);
  assert.equal(globMatches('137', '137'), true);
  assert.equal(globMatches('13', '137'), false);
  assert.equal(globMatches('*', undefined), false);
  assert.equal(globMatches('CannotPull*', 'CannotPullContainerError: x'), true);
});

test('retry decision table (reference §6)', () => {
  const rows: [Parameters<typeof shouldRetry>[0], number, ReturnType<typeof failed> & { neverRetry: boolean }, boolean][] = [
    [undefined, 1, failed(1), false],
    [{ attempts: 2 }, 1, failed(1), true],
    [{ attempts: 2 }, 2, failed(1), false],
    [{ attempts: 3, evaluateOnExit: [{ onExitCode: '7', action: 'EXIT' }] }, 1, failed(7), false],
    [{ attempts: 3, evaluateOnExit: [{ onExitCode: '7', action: 'EXIT' }] }, 1, failed(8), true],
    [{ attempts: 3, evaluateOnExit: [{ onStatusReason: 'Task failed*', action: 'RETRY' }, { onExitCode: '*', action: 'EXIT' }] }, 1, failed(1), false],
    [{ attempts: 3, evaluateOnExit: [{ onReason: 'CannotPull*', action: 'EXIT' }] }, 1, failed(0, 'Task failed to start', 'CannotPullContainerError: no'), false],
    [{ attempts: 3 }, 1, { ...failed(137, 'Job attempt duration exceeded timeout'), neverRetry: true }, false],
    // Actions keep the caller's spelling (the Terraform provider sends lowercase) and match in any case.
    [{ attempts: 3, evaluateOnExit: [{ onExitCode: '7', action: 'exit' }, { onExitCode: '*', action: 'retry' }] }, 1, failed(7), false],
    [{ attempts: 3, evaluateOnExit: [{ onExitCode: '7', action: 'exit' }, { onExitCode: '*', action: 'Retry' }] }, 1, failed(8), true],
  ];
  for (const [strategy, made, outcome, expected] of rows) {
    assert.equal(shouldRetry(strategy, made, outcome), expected, JSON.stringify([strategy, made, outcome]));
  }
});
