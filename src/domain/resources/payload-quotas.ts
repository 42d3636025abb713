import { InvalidInputError } from '../errors.js';

/**
 * AWS Batch's fixed service quotas on request payloads (User Guide, "Service quotas";
 * reference §5): "Maximum job definition size (for RegisterJobDefinition API operations)
 * 24 KiB" and "Maximum job payload size (for SubmitJob API operations) 30 KiB".
 */
export const MAX_JOB_DEFINITION_BYTES = 24 * 1024;
export const MAX_SUBMIT_JOB_BYTES = 30 * 1024;

/**
 * The largest job spec SubmitJob may store, measured as its JSON in UTF-8. Everything a spec
 * holds comes from one definition (≤ 24 KiB) and one SubmitJob (≤ 30 KiB), plus the ARNs and
 * counters Barge adds (well under 1 KiB), so 64 KiB admits every job whose inputs fit AWS's
 * quotas and whose `Ref::` placeholders do not multiply them. Only that substitution can grow a
 * spec past it: a 500 KB parameter used 1,000 times in a command once made one SubmitJob store
 * 500 MB and broke every DescribeJobs that included it. AWS states no such rule, but it starts a
 * container job as an ECS task, and ECS RunTask caps a task's container overrides (command and
 * environment included) at 8,192 characters, so a command this large would most likely not
 * start there either.
 */
export const MAX_JOB_SPEC_BYTES = 64 * 1024;

/** Refuses a request body over an AWS payload quota, naming the quota and the size found. */
export function checkPayloadQuota(operation: string, bytes: number, limit: number): void {
  if (bytes > limit) {
    throw new InvalidInputError(
      `The ${operation} request is ${bytes} bytes; AWS Batch allows at most ${limit} bytes (${limit / 1024} KiB) per ${operation} request`,
    );
  }
}

/** UTF-8 size of a value's JSON text: what the store writes and DescribeJobs sends back. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}
