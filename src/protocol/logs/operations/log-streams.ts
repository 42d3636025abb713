import { defined, groupOf, type Operation, parse } from '../operation.js';
import { renderLogStream } from '../render.js';
import * as shapes from '../shapes.js';

export const createLogStream: Operation = async (logs, body) => {
  const req = parse(shapes.logStreamReference, body);
  await logs.createLogStream(req.logGroupName, req.logStreamName);
  return {};
};

export const deleteLogStream: Operation = async (logs, body) => {
  const req = parse(shapes.logStreamReference, body);
  await logs.deleteLogStream(req.logGroupName, req.logStreamName);
  return {};
};

export const describeLogStreams: Operation = async (logs, body) => {
  const req = parse(shapes.describeLogStreams, body);
  const page = await logs.describeLogStreams({
    logGroup: groupOf(req),
    logStreamNamePrefix: req.logStreamNamePrefix,
    orderBy: req.orderBy,
    descending: req.descending,
    limit: req.limit,
    nextToken: req.nextToken,
  });
  return { logStreams: page.items.map(renderLogStream), ...defined({ nextToken: page.nextToken }) };
};
