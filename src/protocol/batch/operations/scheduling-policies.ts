import { type Operation, defined, parse } from '../operation.js';
import { renderSchedulingPolicy } from '../render.js';
import * as shapes from '../shapes.js';

type WireFairshare = NonNullable<ReturnType<typeof shapes.createSchedulingPolicy.parse>['fairsharePolicy']>;

function fairshare(p: WireFairshare | undefined) {
  if (!p) return undefined;
  return defined({ ...p, shareDistribution: p.shareDistribution?.map((s) => defined(s)) });
}

export const createSchedulingPolicy: Operation = async (batch, { body, caller }) => {
  const req = parse(shapes.createSchedulingPolicy, body);
  const policy = await batch.schedulingPolicies.create(
    defined({ name: req.name, fairsharePolicy: fairshare(req.fairsharePolicy), quotaSharePolicy: req.quotaSharePolicy, tags: req.tags, createdBy: caller.name }),
  );
  return { name: policy.name, arn: policy.arn };
};

export const describeSchedulingPolicies: Operation = async (batch, { body }) => {
  const req = parse(shapes.describeSchedulingPolicies, body);
  const policies = await batch.schedulingPolicies.describe(req.arns);
  return { schedulingPolicies: policies.map(renderSchedulingPolicy) };
};

export const listSchedulingPolicies: Operation = async (batch, { body }) => {
  const req = parse(shapes.listSchedulingPolicies, body);
  const page = await batch.schedulingPolicies.list(defined({ maxResults: req.maxResults, nextToken: req.nextToken }));
  return { schedulingPolicies: page.items.map((p) => ({ arn: p.arn })), ...defined({ nextToken: page.nextToken }) };
};

export const updateSchedulingPolicy: Operation = async (batch, { body }) => {
  const req = parse(shapes.updateSchedulingPolicy, body);
  await batch.schedulingPolicies.update(
    defined({ arn: req.arn, fairsharePolicy: fairshare(req.fairsharePolicy), quotaSharePolicy: req.quotaSharePolicy }),
  );
  return {};
};

export const deleteSchedulingPolicy: Operation = async (batch, { body }) => {
  const req = parse(shapes.schedulingPolicyReference, body);
  await batch.schedulingPolicies.delete(req.arn);
  return {};
};
