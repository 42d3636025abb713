import { InvalidInputError } from '../errors.js';

const GROUP_ARN = /^arn:aws(?:-cn|-us-gov)?:logs:[a-z0-9-]*:\d{12}:log-group:([^:]+)(?::\*)?$/;

/**
 * Log ARNs (reference §1): `arn:aws:logs:<region>:<acct>:log-group:<name>` and
 * `…:log-group:<group>:log-stream:<stream>`. Built from names on the way out, never stored.
 */
export class LogArns {
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  group(logGroupName: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${logGroupName}`;
  }

  stream(logGroupName: string, logStreamName: string): string {
    return `${this.group(logGroupName)}:log-stream:${logStreamName}`;
  }

  /**
   * A `logGroupIdentifier` is a name or an ARN (with or without the `:*` DescribeLogGroups
   * appends). The ARN's region and account are not checked: there is only one of each here.
   */
  groupName(identifier: string): string {
    if (!identifier.startsWith('arn:')) return identifier;
    const match = GROUP_ARN.exec(identifier);
    if (!match) throw new InvalidInputError(`${identifier} is not a log group ARN`);
    return match[1]!;
  }
}
