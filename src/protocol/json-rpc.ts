import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * AWS JSON 1.1 services (CloudWatch Logs, EventBridge) all take `POST /` and name the operation in
 * `X-Amz-Target: <prefix>.<Operation>` (cloudwatch-logs-api.md §1). Each service registers its own
 * plugin through `jsonRpcPlugin`, which routes on the target's prefix with a Fastify constraint,
 * so every service keeps its own encapsulated error handler and body limit. The first service
 * registered also installs the unconstrained `POST /` that answers targets nobody serves.
 */
export const JSON_1_1 = 'application/x-amz-json-1.1';

/** An error as a JSON 1.1 service sends it: HTTP status, `__type` and message. */
export interface JsonRpcError {
  statusCode: number;
  code: string;
  message: string;
  /** What was thrown, logged for server faults and never sent. */
  cause?: unknown;
}

export type JsonRpcOperation = (input: unknown) => Promise<object>;

export interface JsonRpcService {
  /** The `service` of request log lines: 'logs', 'events'. */
  service: string;
  /** The part of X-Amz-Target before the dot, e.g. `Logs_20140328`. */
  targetPrefix: string;
  operations: Readonly<Record<string, JsonRpcOperation>>;
  /** The service's one mapping from anything thrown to its wire error. */
  toWireError(error: unknown): JsonRpcError;
  /** The `__type` for a body that is not a JSON object, or too large, in this service's terms. */
  malformedRequestCode: string;
  /** Overrides the server-wide limit for this service's requests. */
  bodyLimit?: number;
}

const STRATEGY = 'amzTargetPrefix';

type TargetStrategy = Parameters<FastifyInstance['addConstraintStrategy']>[0];
type RouteHandler = Parameters<ReturnType<TargetStrategy['storage']>['set']>[1];

const targetStrategy: TargetStrategy = {
  name: STRATEGY,
  storage() {
    const handlers = new Map<unknown, RouteHandler>();
    return {
      get: (prefix) => handlers.get(prefix) ?? null,
      set: (prefix, handler) => void handlers.set(prefix, handler),
    };
  },
  // Requests without the header derive nothing and reach the unconstrained fallback route.
  deriveConstraint: (req) => {
    const target = req.headers['x-amz-target'];
    return typeof target === 'string' ? target.split('.')[0] : undefined;
  },
  mustMatchWhenDerived: false,
};

export function jsonRpcPlugin(definition: JsonRpcService) {
  return async function register(app: FastifyInstance): Promise<void> {
    if (!app.hasConstraintStrategy(STRATEGY)) {
      app.addConstraintStrategy(targetStrategy);
      app.post('/', async (request, reply) => {
        const target = request.headers['x-amz-target'];
        request.service = 'unknown';
        const message = typeof target === 'string' ? `Unknown X-Amz-Target: ${target}` : 'Missing X-Amz-Target header';
        return sendError(request, reply, { statusCode: 400, code: 'UnknownOperationException', message });
      });
    }

    app.setErrorHandler((error, request, reply) => {
      // Fastify's own 4xx (body too large, bad content length) are the client's fault.
      const status = (error as { statusCode?: number }).statusCode;
      const wire =
        typeof status === 'number' && status >= 400 && status < 500
          ? { statusCode: 400, code: definition.malformedRequestCode, message: (error as Error).message, cause: error }
          : definition.toWireError(error);
      return sendError(request, reply, wire);
    });

    app.route({
      method: 'POST',
      url: '/',
      constraints: { [STRATEGY]: definition.targetPrefix },
      ...(definition.bodyLimit === undefined ? {} : { bodyLimit: definition.bodyLimit }),
      handler: async (request, reply) => {
        request.service = definition.service;
        const target = String(request.headers['x-amz-target']);
        const name = target.slice(definition.targetPrefix.length + 1);
        request.operation = name;
        const operation = Object.hasOwn(definition.operations, name) ? definition.operations[name] : undefined;
        if (!operation) {
          const served = Object.keys(definition.operations).join(', ');
          return sendError(request, reply, {
            statusCode: 400,
            code: 'UnknownOperationException',
            message: `Operation ${target} is not supported by Barge (served: ${served})`,
          });
        }
        const input = parseBody(request.body);
        if (typeof input === 'string') {
          return sendError(request, reply, { statusCode: 400, code: definition.malformedRequestCode, message: input });
        }
        const output = await operation(input);
        return reply.header('content-type', JSON_1_1).send(json(output));
      },
    });
  };
}

/** The JSON object the request carries (`{}` for an empty body), or why it is not one. */
function parseBody(raw: unknown): object | string {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return {};
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return `Request body is not valid JSON: ${(error as Error).message}`;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object';
  return body;
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: JsonRpcError): FastifyReply {
  if (error.statusCode >= 500) request.log.error({ reqId: request.id, err: error.cause ?? error }, 'operation failed');
  return reply
    .status(error.statusCode)
    .header('x-amzn-ErrorType', error.code)
    .header('content-type', JSON_1_1)
    .send(json({ __type: error.code, message: error.message }));
}

/** A Buffer, so Fastify sends the content type as set, without appending a charset. */
function json(value: object): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}
