import type { Logs } from '../../domain/logs/logs.js';
import { type JsonRpcOperation, jsonRpcPlugin } from '../json-rpc.js';
import { toLogsError } from './errors.js';
import { OPERATIONS } from './operations/index.js';

export const LOGS_TARGET_PREFIX = 'Logs_20140328';
/** The service name of the SigV4 credential scope of Logs requests. */
export const LOGS_SIGNING_NAME = 'logs';

/**
 * PutLogEvents may carry 1,048,576 bytes of messages (§5), and JSON escaping can grow a message
 * up to six-fold (`\u0000`), so Logs requests get more room than the server-wide limit.
 */
const LOGS_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * CloudWatch Logs over AWS JSON 1.1 (cloudwatch-logs-api.md §1): `POST /` with
 * `X-Amz-Target: Logs_20140328.<Operation>`; errors leave as `{"__type", "message"}`.
 */
export function logsPlugin(logs: Logs) {
  const operations: Record<string, JsonRpcOperation> = {};
  for (const [name, operation] of Object.entries(OPERATIONS)) operations[name] = (body) => operation(logs, body);
  return jsonRpcPlugin({
    service: 'logs',
    targetPrefix: LOGS_TARGET_PREFIX,
    operations,
    toWireError: toLogsError,
    malformedRequestCode: 'InvalidParameterException',
    bodyLimit: LOGS_BODY_LIMIT,
  });
}
