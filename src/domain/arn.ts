/**
 * ARNs in AWS's format (../shared/reference/aws-batch-api.md §4). One instance per
 * configured region and account; built in main.ts and passed down.
 */
export type ArnResourceType = 'compute-environment' | 'job-queue' | 'job-definition' | 'job' | 'scheduling-policy';

export interface ParsedArn {
  region: string;
  accountId: string;
  resourceType: ArnResourceType;
  /** Everything after `<type>/`: a name, `name:revision`, or a job id. */
  resource: string;
}

const ARN_PATTERN =
  /^arn:aws(?:-cn|-us-gov)?:batch:([a-z0-9-]+):(\d{12}):(compute-environment|job-queue|job-definition|job|scheduling-policy)\/(.+)$/;

export class Arns {
  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  private arn(type: ArnResourceType, resource: string): string {
    return `arn:aws:batch:${this.region}:${this.accountId}:${type}/${resource}`;
  }

  computeEnvironment(name: string): string {
    return this.arn('compute-environment', name);
  }
  jobQueue(name: string): string {
    return this.arn('job-queue', name);
  }
  jobDefinition(name: string, revision: number): string {
    return this.arn('job-definition', `${name}:${revision}`);
  }
  job(jobId: string): string {
    return this.arn('job', jobId);
  }
  schedulingPolicy(name: string): string {
    return this.arn('scheduling-policy', name);
  }
  ecsCluster(computeEnvironmentName: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:cluster/${computeEnvironmentName}_Batch`;
  }
  ecsTask(clusterName: string, taskId: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:task/${clusterName}/${taskId}`;
  }

  /** Parses a Batch ARN of this account and region; anything else is undefined. */
  parse(arn: string): ParsedArn | undefined {
    const m = ARN_PATTERN.exec(arn);
    if (!m) return undefined;
    const [, region, accountId, resourceType, resource] = m;
    if (region !== this.region || accountId !== this.accountId) return undefined;
    return { region, accountId, resourceType: resourceType as ArnResourceType, resource: resource! };
  }

  /** A name-or-ARN input reduced to the name, when the ARN is of the expected type. */
  nameOf(type: ArnResourceType, nameOrArn: string): string | undefined {
    if (!nameOrArn.startsWith('arn:')) return nameOrArn;
    const parsed = this.parse(nameOrArn);
    return parsed?.resourceType === type ? parsed.resource : undefined;
  }
}
