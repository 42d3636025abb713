import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Batch } from '../../domain/batch.js';
import { checkPayloadQuota, MAX_JOB_DEFINITION_BYTES, MAX_SUBMIT_JOB_BYTES } from '../../domain/resources/payload-quotas.js';
import { BatchError, clientError, toBatchError } from './errors.js';
import type { Operation, OperationInput } from './operation.js';
import { OPERATIONS, UNSUPPORTED_OPERATIONS } from './operations/index.js';
import * as tags from './operations/tags.js';

/** AWS's payload quotas (reference §5), checked on the raw body before it is parsed. */
const PAYLOAD_QUOTAS: Record<string, number> = {
  SubmitJob: MAX_SUBMIT_JOB_BYTES,
  RegisterJobDefinition: MAX_JOB_DEFINITION_BYTES,
};

const BY_PATH = new Map<string, string>(
  [...Object.keys(OPERATIONS), ...UNSUPPORTED_OPERATIONS].map((name) => [name.toLowerCase(), name]),
);

/**
 * AWS Batch over REST-JSON (reference §1): POST /v1/<operation lowercased>, tags under
 * /v1/tags/{resourceArn}. Every error leaves as ClientException or ServerException with
 * `x-amzn-ErrorType` and a `{__type, message}` body.
 */
export function batchPlugin(batch: Batch) {
  return async function register(app: FastifyInstance): Promise<void> {
    app.setErrorHandler((error, request, reply) => sendError(request, reply, toBatchError(unwrapFastifyError(error))));
    app.setNotFoundHandler((request, reply) =>
      sendError(request, reply, clientError(`Unknown operation: ${request.method} ${request.url.split('?')[0]}`)),
    );

    app.post<{ Params: { operation: string } }>('/v1/:operation', async (request, reply) => {
      const name = BY_PATH.get(request.params.operation.toLowerCase());
      if (!name) throw clientError(`Unknown operation: POST /v1/${request.params.operation}`);
      request.operation = name;
      const operation = OPERATIONS[name];
      if (!operation) throw clientError(`Operation ${name} is not supported by Barge`);
      const quota = PAYLOAD_QUOTAS[name];
      if (quota !== undefined) checkPayloadQuota(name, bodyBytes(request), quota);
      return run(reply, operation, batch, await inputOf(request));
    });

    // The ARN is one percent-encoded path segment, but some proxies decode `%2F`, so the rest
    // of the path after /v1/tags/ is taken as the ARN either way (reference §1 [impl]).
    const tagRoutes: [string, string, Operation][] = [
      ['POST', 'TagResource', tags.tagResource],
      ['GET', 'ListTagsForResource', tags.listTagsForResource],
      ['DELETE', 'UntagResource', tags.untagResource],
    ];
    for (const [method, name, operation] of tagRoutes) {
      app.route({
        method: method as 'POST' | 'GET' | 'DELETE',
        url: '/v1/tags/*',
        handler: async (request, reply) => {
          request.operation = name;
          const input = await inputOf(request);
          const raw = (request.params as { '*': string })['*'];
          input.resourceArn = decodeURIComponent(raw);
          return run(reply, operation, batch, input);
        },
      });
    }
  };
}

async function run(reply: FastifyReply, operation: Operation, batch: Batch, input: OperationInput) {
  const output = await operation(batch, input);
  return reply.header('content-type', 'application/json').send(JSON.stringify(output));
}

function bodyBytes(request: FastifyRequest): number {
  return Buffer.isBuffer(request.body) ? request.body.length : 0;
}

async function inputOf(request: FastifyRequest): Promise<OperationInput> {
  const raw = request.body;
  let body: unknown = {};
  if (Buffer.isBuffer(raw) && raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw clientError(`Request body is not valid JSON: ${(error as Error).message}`, error);
    }
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw clientError('Request body must be a JSON object');
  }
  const caller = request.caller;
  if (!caller) throw new Error('a Batch operation was reached without a caller: the edge guard did not run');
  return { body, query: request.query as OperationInput['query'], caller };
}

function unwrapFastifyError(error: unknown): unknown {
  // Fastify's own 4xx (body too large, bad content length) are the client's fault.
  const status = (error as { statusCode?: number }).statusCode;
  if (!(error instanceof BatchError) && typeof status === 'number' && status >= 400 && status < 500) {
    return clientError((error as Error).message, error);
  }
  return error;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: BatchError): FastifyReply {
  if (error.code === 'ServerException') request.log.error({ reqId: request.id, err: error.cause ?? error }, 'operation failed');
  return reply
    .status(error.statusCode)
    .header('x-amzn-ErrorType', error.code)
    .header('content-type', 'application/json')
    .send(JSON.stringify({ __type: error.code, message: error.message }));
}
