import { type Operation, defined, parse } from '../operation.js';
import { renderJobQueue } from '../render.js';
import * as shapes from '../shapes.js';

export const createJobQueue: Operation = async (batch, { body, caller }) => {
  const req = parse(shapes.createJobQueue, body);
  const queue = await batch.jobQueues.create(
    defined({
      name: req.jobQueueName,
      state: req.state,
      schedulingPolicyArn: req.schedulingPolicyArn,
      priority: req.priority,
      computeEnvironmentOrder: req.computeEnvironmentOrder ?? [],
      serviceEnvironmentOrder: req.serviceEnvironmentOrder,
      jobQueueType: req.jobQueueType,
      tags: req.tags,
      createdBy: caller.name,
      jobStateTimeLimitActions: req.jobStateTimeLimitActions,
    }),
  );
  return { jobQueueName: queue.name, jobQueueArn: queue.arn };
};

export const describeJobQueues: Operation = async (batch, { body }) => {
  const req = parse(shapes.describeJobQueues, body);
  const page = await batch.jobQueues.describe(
    defined({ names: req.jobQueues?.length ? req.jobQueues : undefined, maxResults: req.maxResults, nextToken: req.nextToken }),
  );
  return { jobQueues: page.items.map(renderJobQueue), ...defined({ nextToken: page.nextToken }) };
};

export const updateJobQueue: Operation = async (batch, { body }) => {
  const req = parse(shapes.updateJobQueue, body);
  const queue = await batch.jobQueues.update(
    defined({
      jobQueue: req.jobQueue,
      state: req.state,
      schedulingPolicyArn: req.schedulingPolicyArn,
      priority: req.priority,
      computeEnvironmentOrder: req.computeEnvironmentOrder,
      serviceEnvironmentOrder: req.serviceEnvironmentOrder,
      jobStateTimeLimitActions: req.jobStateTimeLimitActions,
    }),
  );
  return { jobQueueName: queue.name, jobQueueArn: queue.arn };
};

export const deleteJobQueue: Operation = async (batch, { body }) => {
  const req = parse(shapes.jobQueueReference, body);
  await batch.jobQueues.delete(req.jobQueue);
  return {};
};

export const getJobQueueSnapshot: Operation = async (batch, { body }) => {
  const req = parse(shapes.jobQueueReference, body);
  const front = await batch.jobs.snapshot(req.jobQueue);
  return { frontOfQueue: front };
};
