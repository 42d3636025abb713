import { type Operation, parse, toComputeResources, toPartialComputeResources, defined } from '../operation.js';
import { renderComputeEnvironment } from '../render.js';
import * as shapes from '../shapes.js';

export const createComputeEnvironment: Operation = async (batch, { body, caller }) => {
  const req = parse(shapes.createComputeEnvironment, body);
  const ce = await batch.computeEnvironments.create(
    defined({
      name: req.computeEnvironmentName,
      type: req.type,
      state: req.state,
      unmanagedvCpus: req.unmanagedvCpus,
      computeResources: req.computeResources ? toComputeResources(req.computeResources) : undefined,
      serviceRole: req.serviceRole,
      tags: req.tags,
      createdBy: caller.name,
      eksConfiguration: req.eksConfiguration,
      context: req.context,
    }),
  );
  return { computeEnvironmentName: ce.name, computeEnvironmentArn: ce.arn };
};

export const describeComputeEnvironments: Operation = async (batch, { body }) => {
  const req = parse(shapes.describeComputeEnvironments, body);
  const page = await batch.computeEnvironments.describe(
    defined({ names: req.computeEnvironments?.length ? req.computeEnvironments : undefined, maxResults: req.maxResults, nextToken: req.nextToken }),
  );
  return { computeEnvironments: page.items.map(renderComputeEnvironment), ...defined({ nextToken: page.nextToken }) };
};

export const updateComputeEnvironment: Operation = async (batch, { body }) => {
  const req = parse(shapes.updateComputeEnvironment, body);
  const ce = await batch.computeEnvironments.update(
    defined({
      computeEnvironment: req.computeEnvironment,
      state: req.state,
      unmanagedvCpus: req.unmanagedvCpus,
      computeResources: req.computeResources ? toPartialComputeResources(req.computeResources) : undefined,
      serviceRole: req.serviceRole,
      updatePolicy: req.updatePolicy,
      context: req.context,
    }),
  );
  return { computeEnvironmentName: ce.name, computeEnvironmentArn: ce.arn };
};

export const deleteComputeEnvironment: Operation = async (batch, { body }) => {
  const req = parse(shapes.deleteComputeEnvironment, body);
  await batch.computeEnvironments.delete(req.computeEnvironment);
  return {};
};
