import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Batch } from '../domain/batch.js';
import type { Logs } from '../domain/logs/logs.js';
import { batchPlugin } from './batch/plugin.js';
import { logsPlugin } from './logs/plugin.js';
import { parseCredentialScope } from './sigv4.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The AWS operation name, once routing has found it. */
    operation?: string;
    /** The AWS service that served the request, when it is not Batch ('logs'). */
    service?: string;
  }
}

export interface HttpDeps {
  logger: Logger;
  batch: Batch;
  logs: Logs;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
}

/**
 * The HTTP edge: one Fastify instance, one plugin per AWS service. Bodies are read raw
 * (SigV4 hashes the exact bytes) and each service parses its own protocol. One log line
 * per request: operation, status, duration, request id and the caller's key and region.
 */
export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    // Fastify would build a child logger per request just to carry the request id; the lines
    // logged per request name it themselves (`reqId`), which spares every request the child.
    childLoggerFactory: (logger) => logger,
    bodyLimit: deps.bodyLimit,
    genReqId: () => randomUUID(),
    return503OnClosing: false,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-amzn-RequestId', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    if (deps.logger.isLevelEnabled('info')) {
      const scope = parseCredentialScope(request.headers.authorization);
      deps.logger.info(
        {
          reqId: request.id,
          service: request.service ?? 'batch',
          operation: request.operation ?? 'unknown',
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
          accessKeyId: scope?.accessKeyId,
          region: scope?.region,
        },
        'request',
      );
    }
    done();
  });

  app.register(batchPlugin(deps.batch));
  app.register(logsPlugin(deps.logs));
  return app;
}
