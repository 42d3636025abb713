import { capacityVcpus, type ComputeEnvironment } from '../resources/compute-environment.js';

/** One environment as the dispatcher sees it during a pass. */
export interface EnvironmentCapacity {
  arn: string;
  name: string;
  /** vCPUs the environment may run at once (maxvCpus, or unmanagedvCpus). */
  maxVcpus: number;
  /** vCPUs held by STARTING and RUNNING jobs; grows as the pass places jobs. */
  inUse: number;
  /** ENABLED and VALID: may take new jobs. */
  accepting: boolean;
  state: string;
  status: string;
}

export function environmentCapacity(ce: ComputeEnvironment, inUse: number): EnvironmentCapacity {
  return {
    arn: ce.arn,
    name: ce.name,
    maxVcpus: capacityVcpus(ce),
    inUse,
    accepting: ce.state === 'ENABLED' && ce.status === 'VALID',
    state: ce.state,
    status: ce.status,
  };
}

export function freeVcpus(env: EnvironmentCapacity): number {
  return Math.max(0, env.maxVcpus - env.inUse);
}

/**
 * AWS moves `desiredvCpus` with demand between `minvCpus` and `maxvCpus` (reference §9).
 * Barge's demand is what runs plus what waits, rounded up to whole vCPUs.
 */
export function desiredVcpus(min: number, max: number, inUse: number, waiting: number): number {
  return Math.min(max, Math.max(min, Math.ceil(inUse + waiting)));
}
