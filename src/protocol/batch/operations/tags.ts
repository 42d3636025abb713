import { clientError } from '../errors.js';
import { type Operation, parse } from '../operation.js';
import * as shapes from '../shapes.js';

function arnOf(resourceArn: string | undefined): string {
  if (!resourceArn) throw clientError('resourceArn is required in the path: /v1/tags/{resourceArn}');
  return resourceArn;
}

export const tagResource: Operation = async (batch, { body, resourceArn }) => {
  const req = parse(shapes.tagResource, body);
  await batch.tagging.tag(arnOf(resourceArn), req.tags);
  return {};
};

export const listTagsForResource: Operation = async (batch, { resourceArn }) => {
  return { tags: await batch.tagging.list(arnOf(resourceArn)) };
};

export const untagResource: Operation = async (batch, { query, resourceArn }) => {
  const raw = query['tagKeys'];
  const tagKeys = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const req = parse(shapes.untagResource, { tagKeys });
  await batch.tagging.untag(arnOf(resourceArn), req.tagKeys);
  return {};
};
