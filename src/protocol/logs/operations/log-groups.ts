import { defined, type Operation, parse } from '../operation.js';
import { renderLogGroup, renderLogGroupSummary } from '../render.js';
import * as shapes from '../shapes.js';

export const createLogGroup: Operation = async (logs, body) => {
  const req = parse(shapes.createLogGroup, body);
  await logs.createLogGroup(req);
  return {};
};

export const deleteLogGroup: Operation = async (logs, body) => {
  const req = parse(shapes.logGroupOnly, body);
  await logs.deleteLogGroup(req.logGroupName);
  return {};
};

export const describeLogGroups: Operation = async (logs, body) => {
  const req = parse(shapes.describeLogGroups, body);
  const page = await logs.describeLogGroups({
    logGroupNamePrefix: req.logGroupNamePrefix,
    logGroupNamePattern: req.logGroupNamePattern,
    logGroupIdentifiers: req.logGroupIdentifiers,
    logGroupClass: req.logGroupClass,
    limit: req.limit,
    nextToken: req.nextToken,
  });
  const render = req.logGroupNamePattern === undefined ? renderLogGroup : renderLogGroupSummary;
  return { logGroups: page.items.map(render), ...defined({ nextToken: page.nextToken }) };
};

export const putRetentionPolicy: Operation = async (logs, body) => {
  const req = parse(shapes.putRetentionPolicy, body);
  await logs.putRetentionPolicy(req.logGroupName, req.retentionInDays);
  return {};
};

export const deleteRetentionPolicy: Operation = async (logs, body) => {
  const req = parse(shapes.logGroupOnly, body);
  await logs.deleteRetentionPolicy(req.logGroupName);
  return {};
};
