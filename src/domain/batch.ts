import { Arns } from './arn.js';
import { Jobs } from './jobs/jobs.js';
import type { Clock, IdSource, Store } from './ports.js';
import { ComputeEnvironments } from './resources/compute-environments.js';
import { JobDefinitions } from './resources/job-definitions.js';
import { JobQueues } from './resources/job-queues.js';
import { SchedulingPolicies } from './resources/scheduling-policies.js';
import { SerialQueue } from './serial.js';
import { Tagging } from './tagging.js';

export interface BatchDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  region: string;
  accountId: string;
}

/** The AWS Batch domain: one object per resource family, sharing a store, clock and ARN builder. */
export class Batch {
  readonly arns: Arns;
  readonly computeEnvironments: ComputeEnvironments;
  readonly jobQueues: JobQueues;
  readonly jobDefinitions: JobDefinitions;
  readonly schedulingPolicies: SchedulingPolicies;
  readonly jobs: Jobs;
  readonly tagging: Tagging;

  constructor(deps: BatchDeps) {
    const { store, clock, ids } = deps;
    const serial = new SerialQueue();
    this.arns = new Arns(deps.region, deps.accountId);
    this.computeEnvironments = new ComputeEnvironments(store, this.arns, clock, ids, serial);
    this.jobQueues = new JobQueues(store, this.arns, clock, serial);
    this.jobDefinitions = new JobDefinitions(store, this.arns, clock);
    this.schedulingPolicies = new SchedulingPolicies(store, this.arns, clock, serial);
    this.jobs = new Jobs(store, this.arns, clock, ids, this.jobQueues, this.jobDefinitions);
    this.tagging = new Tagging(store, this.arns, serial);
  }
}
