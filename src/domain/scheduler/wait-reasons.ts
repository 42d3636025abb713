import type { ImagePresence } from '../executor.js';
import type { EnvironmentCapacity } from './capacity.js';

/**
 * Why a RUNNABLE job waits, in words a user can act on, with the numbers. Where AWS has a
 * blocked-queue code (reference §6) the text starts with it, so `jobStateTimeLimitActions`
 * and users' `onStatusReason` patterns can match it.
 */
export interface WaitReason {
  code?: string;
  text: string;
}

export function render(reason: WaitReason): string {
  return reason.code ? `${reason.code} - ${reason.text}` : reason.text;
}

function describeEnv(env: EnvironmentCapacity): string {
  if (!env.accepting) return `${env.name}: ${env.state === 'ENABLED' ? env.status : env.state}`;
  return `${env.name}: ${fmt(env.inUse)} of ${fmt(env.maxVcpus)} vCPUs in use`;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

export function queueDisabled(queueName: string): WaitReason {
  return { text: `Job queue ${queueName} is DISABLED: it dispatches no jobs until it is ENABLED again` };
}

export function noAcceptingEnvironment(queueName: string, envs: EnvironmentCapacity[]): WaitReason {
  return {
    code: 'ACTION_REQUIRED',
    text: `no compute environment of job queue ${queueName} takes new jobs (${envs.map(describeEnv).join('; ')})`,
  };
}

export function neverFits(queueName: string, vcpus: number, envs: EnvironmentCapacity[]): WaitReason {
  const largest = envs.reduce((max, e) => Math.max(max, e.maxVcpus), 0);
  return {
    code: 'MISCONFIGURATION:COMPUTE_ENVIRONMENT_MAX_RESOURCE',
    text: `the job needs ${fmt(vcpus)} vCPUs but the largest compute environment of job queue ${queueName} allows ${fmt(largest)} (${envs
      .map((e) => `${e.name}: maxvCpus ${fmt(e.maxVcpus)}`)
      .join('; ')}); raise maxvCpus or lower the job's vCPUs`,
  };
}

/**
 * Positions are counted up to here: DescribeJobs and ListJobs ask for up to 100 and 1,000
 * reasons at once, and counting every job ahead in a queue of 100,000 for each would be slow.
 */
export const MAX_COUNTED_AHEAD = 100;

export function waitingForCapacity(queueName: string, vcpus: number, envs: EnvironmentCapacity[], ahead: number): WaitReason {
  const position =
    ahead === 0 ? 'first in line' : ahead >= MAX_COUNTED_AHEAD ? `${MAX_COUNTED_AHEAD} or more jobs ahead of it` : `${ahead} job${ahead === 1 ? '' : 's'} ahead of it`;
  return {
    text: `Waiting for capacity: the job needs ${fmt(vcpus)} vCPUs (${envs.map(describeEnv).join('; ')}); ${position} in job queue ${queueName}`,
  };
}

export function behindHigherPriority(queueName: string, vcpus: number, envs: EnvironmentCapacity[], blockers: string[]): WaitReason {
  return {
    text: `Waiting for capacity: the job needs ${fmt(vcpus)} vCPUs (${envs.map(describeEnv).join('; ')}); higher-priority job queue ${blockers.join(', ')} is waiting for the same compute environment and goes first (job queue ${queueName})`,
  };
}

export function reservedForShares(queueName: string, vcpus: number, reserved: number): WaitReason {
  return {
    text: `Waiting for capacity: the job needs ${fmt(vcpus)} vCPUs; ${fmt(reserved)} vCPUs are held back by the fair-share computeReservation of job queue ${queueName} for shares that are not active yet`,
  };
}

/**
 * Added to the reason a job waits when its image is not on the Docker engine, so the user can
 * load it before the job's turn comes; the wait itself has its own reason (capacity and so on).
 */
export function imageNotPresent(reason: WaitReason, image: string, atStart: Exclude<ImagePresence, 'present'>): WaitReason {
  const consequence =
    atStart === 'pulled-at-start'
      ? 'it will be pulled when the job starts, and a failed pull fails the attempt with CannotPullContainerError'
      : 'the pull policy is never, so the job will fail with CannotPullContainerError when it starts unless the image is loaded first (docker load, or docker pull)';
  return { ...reason, text: `${reason.text}. Image ${image} is not present on the Docker engine: ${consequence}` };
}
