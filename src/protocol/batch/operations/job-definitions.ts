import { type Operation, defined, parse, toContainerProperties } from '../operation.js';
import { renderJobDefinition } from '../render.js';
import * as shapes from '../shapes.js';

export const registerJobDefinition: Operation = async (batch, { body, caller }) => {
  const req = parse(shapes.registerJobDefinition, body);
  const definition = await batch.jobDefinitions.register(
    defined({
      name: req.jobDefinitionName,
      type: req.type,
      parameters: req.parameters,
      schedulingPriority: req.schedulingPriority,
      containerProperties: req.containerProperties ? toContainerProperties(req.containerProperties) : undefined,
      nodeProperties: req.nodeProperties,
      ecsProperties: req.ecsProperties,
      eksProperties: req.eksProperties,
      consumableResourceProperties: req.consumableResourceProperties,
      retryStrategy: req.retryStrategy ? defined(req.retryStrategy) : undefined,
      timeout: req.timeout ? defined(req.timeout) : undefined,
      propagateTags: req.propagateTags,
      platformCapabilities: req.platformCapabilities,
      tags: req.tags,
      createdBy: caller.name,
    }),
  );
  return { jobDefinitionName: definition.name, jobDefinitionArn: definition.arn, revision: definition.revision };
};

export const describeJobDefinitions: Operation = async (batch, { body }) => {
  const req = parse(shapes.describeJobDefinitions, body);
  const page = await batch.jobDefinitions.describe(
    defined({
      jobDefinitions: req.jobDefinitions,
      jobDefinitionName: req.jobDefinitionName,
      status: req.status,
      maxResults: req.maxResults,
      nextToken: req.nextToken,
    }),
  );
  return { jobDefinitions: page.items.map(renderJobDefinition), ...defined({ nextToken: page.nextToken }) };
};

export const deregisterJobDefinition: Operation = async (batch, { body }) => {
  const req = parse(shapes.deregisterJobDefinition, body);
  await batch.jobDefinitions.deregister(req.jobDefinition);
  return {};
};
