import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { Batch } from '../domain/batch.js';
import type { Logs } from '../domain/logs/logs.js';
import { batchPlugin } from './batch/plugin.js';
import { capConnections } from './connection-cap.js';
import { EdgeGuard } from './edge-guard.js';
import { LOGS_SIGNING_NAME, LOGS_TARGET_PREFIX, logsPlugin } from './logs/plugin.js';
import type { SigV4Verifier } from './sigv4-verifier.js';

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
  /** Host names clients may use besides loopback names and IP literals (DNS-rebinding check). */
  allowedHosts: readonly string[];
  /** The address Barge listens on. */
  listenHost: string;
  /** Verifies signatures against configured access keys; undefined in local mode. */
  verifier: SigV4Verifier | undefined;
  /** Open client connections at most (see connection-cap.ts). */
  maxConnections: number;
  /** Counts every answered request and serves GET /metrics; none: no /metrics route. */
  metrics?: MetricsEndpoint;
}

/** What the HTTP edge needs of the metrics (src/metrics/prometheus.ts). */
export interface MetricsEndpoint {
  requestServed(service: string, operation: string, status: number, seconds: number): void;
  exposition(): Promise<{ contentType: string; body: string }>;
}

/**
 * Connection limits. A client that opens a connection and never completes a request holds a
 * file descriptor; 20,000 of them once exhausted Barge's, so the engine socket and the stores
 * could no longer be opened. Headers must arrive within 10 s and a whole request within 60 s
 * (PutLogEvents of 1 MB on a slow link included); an idle kept-alive connection is closed after
 * 30 s (the SDKs reconnect transparently); and the number of open connections is capped so
 * descriptors always remain for Barge's own work (connection-cap.ts).
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
const CONNECTION_CHECK_INTERVAL_MS = 2_000;

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
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    http: { headersTimeout: HEADERS_TIMEOUT_MS, connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS },
  });
  capConnections(app.server, deps.maxConnections, deps.logger);
  EdgeGuard.decorate(app);
  for (const member of ['operation', 'service']) app.decorateRequest(member, undefined);
  const guard = new EdgeGuard({
    allowedHosts: deps.allowedHosts,
    listenHost: deps.listenHost,
    verifier: deps.verifier,
    jsonRpcSigningNames: { [LOGS_TARGET_PREFIX]: LOGS_SIGNING_NAME },
    restJsonSigningNames: { '/v1/': 'batch' },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-amzn-RequestId', request.id);
    const started = performance.now();
    // A response closed before it was written never reached its client: the client gave up
    // (or its connection broke) while its request was read or served. The operation may have
    // completed all the same; the line says how long it had been going.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) logRequest(deps.logger, request, undefined, performance.now() - started, true);
    });
    done();
  });
  app.addHook('onRequest', guard.onRequest);
  app.addHook('preValidation', guard.preValidation);
  const metrics = deps.metrics;
  app.addHook('onResponse', (request, reply, done) => {
    metrics?.requestServed(request.service ?? serviceOf(request), request.operation ?? 'unknown', reply.statusCode, reply.elapsedTime / 1000);
    // The client closed its side before the answer was written: the answer went nowhere.
    const clientGone = request.raw.socket?.readableEnded === true;
    if (deps.logger.isLevelEnabled(request.refusal !== undefined || clientGone ? 'warn' : 'info')) {
      logRequest(deps.logger, request, reply.statusCode, reply.elapsedTime, clientGone);
    }
    done();
  });

  if (metrics) {
    app.get('/metrics', async (request, reply) => {
      request.service = 'metrics';
      request.operation = 'Scrape';
      const { contentType, body } = await metrics.exposition();
      return reply.header('content-type', contentType).send(body);
    });
  }
  app.register(batchPlugin(deps.batch));
  app.register(logsPlugin(deps.logs));
  return app;
}

/**
 * One line per request: who called (the access key and its configured name), what, how it
 * ended and how long it took. Refusals by the edge say why; a client that closed its connection
 * before the answer is logged too (its operation may still have completed).
 */
function logRequest(logger: Logger, request: FastifyRequest, status: number | undefined, elapsedMs: number, clientGone: boolean): void {
  const line = {
    reqId: request.id,
    service: request.service ?? serviceOf(request),
    operation: request.operation ?? 'unknown',
    status,
    durationMs: Math.round(elapsedMs * 100) / 100,
    caller: request.caller?.name,
    accessKeyId: request.caller?.accessKeyId ?? request.signedBy,
    region: request.caller?.region,
    refused: request.refusal,
    clientGone: clientGone || undefined,
  };
  if (request.refusal !== undefined) logger.warn(line, 'request refused');
  else if (clientGone) logger.warn(line, 'client closed the connection before the answer');
  else logger.info(line, 'request');
}

function serviceOf(request: FastifyRequest): string {
  return request.url.startsWith('/v1/') ? 'batch' : request.headers['x-amz-target'] !== undefined ? 'json-rpc' : 'unknown';
}

