import Docker from 'dockerode';
import type { ContainerExit, ContainerSpec, Executor, LogLine } from '../../src/domain/executor.js';

/** Built by scripts/build-test-images.sh; never pulled. */
export const TEST_IMAGE = 'localhost/busybox:latest';
/** The only image tests may pull: a closed loopback port, so a pull fails without leaving the host. */
export const UNREACHABLE_IMAGE = '127.0.0.1:1/missing:latest';

/** Raw engine access for assertions the Executor port does not expose. */
export const engine = new Docker({ socketPath: '/var/run/docker.sock', version: 'v1.41' });

/** Unique per test run, so parallel runs and other test files never see each other's containers. */
export const runLabel = `executor-test-${process.pid}-${Date.now().toString(36)}`;

let counter = 0;
export function containerSpec(overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  counter += 1;
  return {
    name: `barge-${runLabel}-${counter}`,
    jobId: `job-${counter}`,
    attempt: 1,
    image: TEST_IMAGE,
    environment: {},
    vcpus: 1,
    memoryMiB: 64,
    ulimits: [],
    mounts: [],
    labels: {},
    ...overrides,
  };
}

export interface RunResult {
  containerId: string;
  exit: ContainerExit;
  lines: LogLine[];
  /** stdout and stderr messages, in order. */
  stdout: string[];
  stderr: string[];
}

/** Starts a container, follows it to its exit and collects its output. */
export async function runToExit(executor: Executor, spec: ContainerSpec): Promise<RunResult> {
  const { containerId } = await executor.start(spec);
  const lines: LogLine[] = [];
  const exit = await executor.follow(containerId, undefined, async (batch) => {
    lines.push(...batch);
  });
  return {
    containerId,
    exit,
    lines,
    stdout: lines.filter((l) => l.stream === 'stdout').map((l) => l.message),
    stderr: lines.filter((l) => l.stream === 'stderr').map((l) => l.message),
  };
}

export async function containersNamed(name: string): Promise<Docker.ContainerInfo[]> {
  const all = await engine.listContainers({ all: true, filters: { name: [name] } });
  // The engine's name filter matches substrings.
  return all.filter((c) => c.Names.includes(`/${name}`));
}
