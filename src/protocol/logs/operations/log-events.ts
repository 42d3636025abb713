import { groupOf, type Operation, parse } from '../operation.js';
import * as shapes from '../shapes.js';

export const putLogEvents: Operation = async (logs, body) => {
  const req = parse(shapes.putLogEvents, body);
  const { rejected } = await logs.putLogEvents({
    logGroupName: req.logGroupName,
    logStreamName: req.logStreamName,
    logEvents: req.logEvents,
  });
  // Sequence tokens are ignored on AWS now, and nextSequenceToken is deprecated (§5): omitted.
  return rejected ? { rejectedLogEventsInfo: rejected } : {};
};

export const getLogEvents: Operation = async (logs, body) => {
  const req = parse(shapes.getLogEvents, body);
  const page = await logs.getLogEvents({
    logGroup: groupOf(req),
    logStreamName: req.logStreamName,
    startTime: req.startTime,
    endTime: req.endTime,
    nextToken: req.nextToken,
    limit: req.limit,
    startFromHead: req.startFromHead,
  });
  return { events: page.events, nextForwardToken: page.nextForwardToken, nextBackwardToken: page.nextBackwardToken };
};

export const filterLogEvents: Operation = async (logs, body) => {
  const req = parse(shapes.filterLogEvents, body);
  const page = await logs.filterLogEvents({
    logGroup: groupOf(req),
    logStreamNames: req.logStreamNames,
    logStreamNamePrefix: req.logStreamNamePrefix,
    startTime: req.startTime,
    endTime: req.endTime,
    filterPattern: req.filterPattern,
    limit: req.limit,
    nextToken: req.nextToken,
  });
  // searchedLogStreams is deprecated and may be omitted (§6).
  return page.nextToken === undefined ? { events: page.events } : { events: page.events, nextToken: page.nextToken };
};
