import type { z } from 'zod';
import type { JsonObject } from '../../domain/common.js';
import type { Batch } from '../../domain/batch.js';
import type { ComputeResources } from '../../domain/resources/compute-environment.js';
import type { ContainerProperties } from '../../domain/resources/container-properties.js';
import type { Caller } from '../edge-guard.js';
import { validationError } from './errors.js';
import type { WireComputeResource, WireContainerProperties } from './shapes.js';

/** What one Batch operation gets: the parsed JSON body, the query string, the path's ARN (tags) and who signed it. */
export interface OperationInput {
  body: unknown;
  query: Record<string, string | string[] | undefined>;
  resourceArn?: string;
  caller: Caller;
}

export type Operation = (batch: Batch, input: OperationInput) => Promise<Record<string, unknown>>;

export function parse<S extends z.ZodTypeAny>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw validationError(result.error);
  return result.data as z.output<S>;
}

/** Splits the members the domain reads from those it only stores and echoes. */
function split<T extends object, K extends keyof T>(wire: T, typed: readonly K[]): { typed: Pick<T, K>; other: JsonObject } {
  const picked: Partial<Pick<T, K>> = {};
  const other: JsonObject = {};
  for (const [key, value] of Object.entries(wire)) {
    if (value === undefined) continue;
    if ((typed as readonly string[]).includes(key)) picked[key as K] = value as T[K];
    else other[key] = value as JsonObject[string];
  }
  return { typed: picked as Pick<T, K>, other };
}

const CONTAINER_TYPED = [
  'image', 'vcpus', 'memory', 'command', 'environment', 'resourceRequirements', 'volumes', 'mountPoints',
  'readonlyRootFilesystem', 'privileged', 'ulimits', 'user', 'linuxParameters', 'logConfiguration',
] as const;

export function toContainerProperties(wire: WireContainerProperties): ContainerProperties {
  const { typed, other } = split(wire, CONTAINER_TYPED);
  const { volumes, ...rest } = typed;
  const container: ContainerProperties = { ...rest, other };
  if (volumes) {
    container.volumes = volumes.map((v) => {
      const { typed: t, other: extra } = split(v, ['name', 'host'] as const);
      return Object.keys(extra).length > 0 ? { ...t, other: extra } : t;
    });
  }
  return container;
}

export function toComputeResources(wire: WireComputeResource): ComputeResources {
  const { typed, other } = split(wire, ['type', 'minvCpus', 'maxvCpus', 'desiredvCpus'] as const);
  return { ...typed, other };
}

export function toPartialComputeResources(wire: Partial<WireComputeResource>): Partial<Omit<ComputeResources, 'other'>> & { other: JsonObject } {
  const { typed, other } = split(wire, ['type', 'minvCpus', 'maxvCpus', 'desiredvCpus'] as const);
  return { ...typed, other };
}

/** Copies the defined members of `from` into a new object, so optional domain fields stay absent. */
export function defined<T extends object>(from: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(from)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}
