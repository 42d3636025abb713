import { type Operation, defined, parse } from '../operation.js';
import { renderJobDetail, renderJobSummary } from '../render.js';
import * as shapes from '../shapes.js';

export const submitJob: Operation = async (batch, { body, caller }) => {
  const req = parse(shapes.submitJob, body);
  const job = await batch.jobs.submit(
    defined({
      jobName: req.jobName,
      jobQueue: req.jobQueue,
      jobDefinition: req.jobDefinition,
      shareIdentifier: req.shareIdentifier,
      schedulingPriorityOverride: req.schedulingPriorityOverride,
      arraySize: req.arrayProperties?.size,
      dependsOn: req.dependsOn?.map((d) => defined(d)),
      parameters: req.parameters,
      containerOverrides: req.containerOverrides ? defined(req.containerOverrides) : undefined,
      nodeOverrides: req.nodeOverrides,
      ecsPropertiesOverride: req.ecsPropertiesOverride,
      eksPropertiesOverride: req.eksPropertiesOverride,
      consumableResourcePropertiesOverride: req.consumableResourcePropertiesOverride,
      retryStrategy: req.retryStrategy ? defined(req.retryStrategy) : undefined,
      propagateTags: req.propagateTags,
      timeout: req.timeout ? defined(req.timeout) : undefined,
      tags: req.tags,
      createdBy: caller.name,
    }),
  );
  return { jobArn: job.jobArn, jobName: job.spec.jobName, jobId: job.jobId };
};

export const describeJobs: Operation = async (batch, { body }) => {
  const req = parse(shapes.describeJobs, body);
  const views = await batch.jobs.describe(req.jobs);
  return { jobs: views.map(renderJobDetail) };
};

export const listJobs: Operation = async (batch, { body }) => {
  const req = parse(shapes.listJobs, body);
  const page = await batch.jobs.list(
    defined({
      jobQueue: req.jobQueue,
      arrayJobId: req.arrayJobId,
      multiNodeJobId: req.multiNodeJobId,
      jobStatus: req.jobStatus,
      filters: req.filters?.map((f) => defined(f)),
      maxResults: req.maxResults,
      nextToken: req.nextToken,
    }),
  );
  return { jobSummaryList: page.items.map(renderJobSummary), ...defined({ nextToken: page.nextToken }) };
};

export const cancelJob: Operation = async (batch, { body }) => {
  const req = parse(shapes.stopJob, body);
  await batch.jobs.cancel(req.jobId, req.reason);
  return {};
};

export const terminateJob: Operation = async (batch, { body }) => {
  const req = parse(shapes.stopJob, body);
  await batch.jobs.terminate(req.jobId, req.reason);
  return {};
};
