import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseQuery, parseSignature, type SignedParts } from './sigv4.js';
import type { SigV4Verifier, VerificationResult } from './sigv4-verifier.js';

/** Who sent a request: the access key that signed it and the name it is configured under. */
export interface Caller {
  accessKeyId: string;
  /** The key's configured name; in local mode, the access key id. */
  name: string;
  region: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signer, once the edge has accepted the request. */
    caller?: Caller;
    /** Why the edge refused the request (logged on its request line). */
    refusal?: string;
    /** The access key a well-formed signature names, verified or not (for the request log). */
    signedBy?: string;
    /** The request's signature, once parsed, until it is verified. */
    signature?: SignedParts;
  }
}

/** How one wire protocol is recognised, what it accepts, and how its errors look. */
interface WireProtocol {
  /** Media types the protocol's SDKs send (without parameters). */
  contentTypes: readonly string[];
  /**
   * HTTP status of front-door refusals (signature, host, origin), except a malformed signature
   * (400): AWS answers them 403 on REST-JSON services and 400 on JSON RPC ones (Logs:
   * `400 {"__type":"UnrecognizedClientException"}`).
   */
  authErrorStatus: number;
  errorContentType: string;
  /** The SigV4 service name requests of this protocol must be scoped to, when known. */
  signingName: string | undefined;
}

export interface EdgeGuardOptions {
  /** Host names, besides loopback names and IP literals, that `Host` may name. */
  allowedHosts: readonly string[];
  /** The address Barge listens on (a name there is allowed in `Host` too). */
  listenHost: string;
  /** Verifies signatures against configured keys; undefined in local mode. */
  verifier: SigV4Verifier | undefined;
  /** X-Amz-Target prefix → SigV4 service name of each JSON RPC service served. */
  jsonRpcSigningNames: Readonly<Record<string, string>>;
  /** Path prefix → SigV4 service name of each REST-JSON service served (`/v1/` → `batch`). */
  restJsonSigningNames: Readonly<Record<string, string>>;
}

/**
 * The checks every request passes before routing, for every service on the port
 * (console.md §4; aws-batch-api.md §2, §3):
 *
 * 1. `Host` names a loopback name, an IP address, the listening address or an allowed host:
 *    a DNS-rebinding page reaches 127.0.0.1 under its own name, and its requests say so here.
 * 2. No `Origin` header and no cross-site or same-site `Sec-Fetch-Site`: AWS clients send
 *    neither, browsers always do on the requests a foreign page makes. Barge sends no CORS headers.
 * 3. A body in the protocol's content type. `text/plain`, forms and untyped bodies are what a
 *    page can send without a CORS preflight.
 * 4. A SigV4 signature (`Authorization` header or presigned query). With access keys configured
 *    it is verified once the body has arrived; in local mode a well-formed one is accepted.
 *
 * A refused request gets AWS's error shape for its protocol, a log line saying why, and reaches
 * no operation.
 */
export class EdgeGuard {
  private readonly allowedHosts: Set<string>;
  /** Host header values already judged: clients send the same one on every request. */
  private readonly hostVerdicts = new Map<string, boolean>();
  private readonly restProtocols = new Map<string | undefined, WireProtocol>();

  /** The request members the guard sets, declared up front so that every request has one shape. */
  static decorate(app: FastifyInstance): void {
    for (const member of ['caller', 'refusal', 'signedBy', 'signature']) app.decorateRequest(member, undefined);
  }

  constructor(private readonly options: EdgeGuardOptions) {
    this.allowedHosts = new Set([...options.allowedHosts.map((h) => h.toLowerCase()), options.listenHost.toLowerCase()]);
  }

  /** Fastify `onRequest` hook: every check that needs no body. */
  readonly onRequest = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (request.url === METRICS_PATH || request.url.startsWith(`${METRICS_PATH}?`)) return this.onScrape(request, reply, done);
    const protocol = this.protocolOf(request);
    const host = request.headers.host;
    if (host === undefined || !this.hostAllowed(host)) {
      return void this.refuse(request, reply, protocol, protocol.authErrorStatus, 'AccessDeniedException', 'host-not-allowed',
        `Host ${host === undefined ? '(none)' : `'${host.slice(0, 100)}'`} is not a name Barge answers to. Requests must name a loopback address, an IP address or a host given with --allowed-host (this refuses DNS-rebinding pages).`);
    }
    const origin = request.headers.origin;
    const fetchSite = request.headers['sec-fetch-site'];
    if (origin !== undefined || fetchSite === 'cross-site' || fetchSite === 'same-site') {
      const from = origin !== undefined ? `Origin ${String(origin).slice(0, 100)}` : `Sec-Fetch-Site ${String(fetchSite)}`;
      return void this.refuse(request, reply, protocol, protocol.authErrorStatus, 'AccessDeniedException', 'browser-request',
        `Barge does not serve requests that web pages make (${from}); use an AWS SDK or the AWS CLI.`);
    }
    const contentType = request.headers['content-type'];
    const hasBody = request.headers['content-length'] !== undefined ? request.headers['content-length'] !== '0' : request.headers['transfer-encoding'] !== undefined;
    if (contentType !== undefined || hasBody || request.method === 'POST' || request.method === 'PUT' || request.method === 'PATCH') {
      const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
      if (!protocol.contentTypes.includes(mediaType)) {
        return void this.refuse(request, reply, protocol, 415, 'UnsupportedMediaTypeException', 'content-type',
          `Content-Type ${contentType === undefined ? '(none)' : `'${contentType.slice(0, 100)}'`} is not what AWS SDKs send to this API (${protocol.contentTypes.join(' or ')}).`);
      }
    }
    const rawQuery = queryOf(request.url);
    const signature = parseSignature(request.headers, parseQuery(rawQuery));
    if ('code' in signature) {
      const status = signature.code === 'IncompleteSignatureException' ? 400 : protocol.authErrorStatus;
      return void this.refuse(request, reply, protocol, status, signature.code, signature.code === 'IncompleteSignatureException' ? 'bad-signature-format' : 'no-signature', signature.message);
    }
    request.signedBy = signature.accessKeyId;
    if (protocol.signingName !== undefined && signature.service !== protocol.signingName) {
      return void this.refuse(request, reply, protocol, protocol.authErrorStatus, 'InvalidSignatureException', 'wrong-service',
        `Credential should be scoped to correct service: '${protocol.signingName}'.`);
    }
    if (this.options.verifier) request.signature = signature;
    else request.caller = { accessKeyId: signature.accessKeyId, name: signature.accessKeyId, region: signature.region };
    done();
  };

  /**
   * `GET /metrics` (Prometheus): the same Host and browser checks as the AWS APIs; then a scraper
   * on loopback is served as is, and one from beyond loopback only with HTTP Basic credentials
   * that name a configured access key and its secret (Prometheus' `basic_auth`; it cannot sign
   * SigV4). Without configured keys Barge listens on loopback only, so every scraper is local.
   */
  private onScrape(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const host = request.headers.host;
    if (host === undefined || !this.hostAllowed(host)) {
      return void this.refuse(request, reply, METRICS_PROTOCOL, 403, 'AccessDeniedException', 'host-not-allowed',
        `Host ${host === undefined ? '(none)' : `'${host.slice(0, 100)}'`} is not a name Barge answers to.`);
    }
    const fetchSite = request.headers['sec-fetch-site'];
    if (request.headers.origin !== undefined || fetchSite === 'cross-site' || fetchSite === 'same-site') {
      return void this.refuse(request, reply, METRICS_PROTOCOL, 403, 'AccessDeniedException', 'browser-request', 'Barge does not serve requests that web pages make.');
    }
    const basic = basicCredentials(request.headers.authorization);
    if (basic && this.options.verifier) {
      const key = this.options.verifier.keyForSecret(basic.user, basic.password);
      if (!key) {
        return void this.refuse(request, reply, METRICS_PROTOCOL, 403, 'AccessDeniedException', 'unknown-key', 'The credentials name no configured access key and its secret.');
      }
      request.caller = { accessKeyId: key.accessKeyId, name: key.name, region: '' };
      return done();
    }
    if (!isLoopbackAddress(request.socket.remoteAddress)) {
      return void this.refuse(request, reply, METRICS_PROTOCOL, 403, 'AccessDeniedException', 'metrics-not-local',
        'Metrics are served to loopback clients, and beyond loopback to a scraper sending HTTP Basic credentials of a configured access key (access key id as user, secret as password).');
    }
    done();
  }

  /**
   * Fastify `preValidation` hook: with access keys configured, the signature check (it hashes
   * the body). Checks are gathered and run together once the requests that arrived in this turn
   * of the event loop have been read: back to back, OpenSSL's hashing stays in the CPU's caches.
   * One at a time, between the rest of each request's work, the same three digests cost several
   * times as much CPU (measured with `npm run bench`, SubmitJob with 16 clients).
   */
  readonly preValidation = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!this.options.verifier || request.caller) return done();
    this.waiting.push({ request, reply, done });
    if (this.waiting.length === 1) setImmediate(this.verifyWaiting);
  };

  private readonly waiting: { request: FastifyRequest; reply: FastifyReply; done: () => void }[] = [];

  private readonly verifyWaiting = (): void => {
    const batch = this.waiting.splice(0);
    for (const { request, reply, done } of batch) {
      // Outside Fastify's hook runner, so a failure here must become this request's 500, not a crash.
      try {
        this.verify(request, reply, done);
      } catch (error) {
        reply.send(error);
      }
    }
  };

  private verify(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const signature = request.signature;
    if (!signature) throw new Error('edge guard: a request reached preValidation without passing onRequest');
    const url = request.url;
    const queryAt = url.indexOf('?');
    const outcome = this.options.verifier!.verify(signature, {
      method: request.method,
      rawPath: queryAt < 0 ? url : url.slice(0, queryAt),
      query: queryAt < 0 ? NO_QUERY : parseQuery(url.slice(queryAt + 1)),
      headers: request.headers,
      body: Buffer.isBuffer(request.body) ? request.body : EMPTY,
    });
    const settle = (result: VerificationResult) => {
      if (result.ok) {
        request.caller = { accessKeyId: result.key.accessKeyId, name: result.key.name, region: signature.region };
        return done();
      }
      const protocol = this.protocolOf(request);
      this.refuse(request, reply, protocol, protocol.authErrorStatus, result.code,
        result.code === 'UnrecognizedClientException' ? 'unknown-key' : 'signature-mismatch', result.message);
    };
    if ('ok' in outcome) settle(outcome);
    else outcome.then(settle, (error: unknown) => reply.send(error));
  }

  private protocolOf(request: FastifyRequest): WireProtocol {
    const url = request.url;
    if (request.method === 'POST' && (url === '/' || url.startsWith('/?'))) {
      const target = request.headers['x-amz-target'];
      const prefix = typeof target === 'string' ? target.split('.')[0]! : '';
      const version = String(request.headers['content-type'] ?? '').includes('1.0') ? JSON_1_0 : JSON_1_1;
      return {
        contentTypes: [JSON_1_1, JSON_1_0],
        authErrorStatus: 400,
        errorContentType: version,
        signingName: Object.hasOwn(this.options.jsonRpcSigningNames, prefix) ? this.options.jsonRpcSigningNames[prefix] : undefined,
      };
    }
    let signingName: string | undefined;
    for (const [prefix, name] of Object.entries(this.options.restJsonSigningNames)) if (url.startsWith(prefix)) signingName = name;
    let protocol = this.restProtocols.get(signingName);
    if (!protocol) {
      protocol = { ...REST_JSON, signingName };
      this.restProtocols.set(signingName, protocol);
    }
    return protocol;
  }

  private hostAllowed(hostHeader: string): boolean {
    let allowed = this.hostVerdicts.get(hostHeader);
    if (allowed === undefined) {
      allowed = this.judgeHost(hostHeader);
      if (this.hostVerdicts.size >= HOST_CACHE_SIZE) this.hostVerdicts.clear();
      this.hostVerdicts.set(hostHeader, allowed);
    }
    return allowed;
  }

  private judgeHost(hostHeader: string): boolean {
    const host = hostNameOf(hostHeader);
    if (host === undefined) return false;
    // An IP literal cannot be a rebinding attacker's name: a page sent to it is on Barge's own origin.
    if (isIP(host) !== 0) return true;
    return host === 'localhost' || host.endsWith('.localhost') || this.allowedHosts.has(host);
  }

  private refuse(request: FastifyRequest, reply: FastifyReply, protocol: WireProtocol, status: number, code: string, why: string, message: string): FastifyReply {
    request.refusal = why;
    request.operation ??= 'refused';
    return reply
      .status(status)
      .header('x-amzn-ErrorType', code)
      .header('content-type', protocol.errorContentType)
      .send(Buffer.from(JSON.stringify({ __type: code, message }), 'utf8'));
  }
}

const METRICS_PATH = '/metrics';
const METRICS_PROTOCOL: WireProtocol = { contentTypes: [], authErrorStatus: 403, errorContentType: 'application/json', signingName: undefined };
const JSON_1_1 = 'application/x-amz-json-1.1';
const JSON_1_0 = 'application/x-amz-json-1.0';
const REST_JSON = { contentTypes: ['application/json'], authErrorStatus: 403, errorContentType: 'application/json' } as const;
const EMPTY = Buffer.alloc(0);
const HOST_CACHE_SIZE = 256;
const NO_QUERY = new Map<string, string[]>();

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.startsWith('::ffff:') ? address.slice(7) : address;
  return bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

function queryOf(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
}

/** The host part of a `Host` header (`name:port`, `[v6]:port`), lower-cased; undefined if malformed. */
export function hostNameOf(hostHeader: string): string | undefined {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end < 0 ? undefined : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  return name === '' ? undefined : name.replace(/\.$/, '');
}
