import aws4 from 'aws4';
import { connect, type Socket } from 'node:net';
import { CREDENTIALS, REGION } from './client.js';

interface InFlight {
  path: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  status?: number;
  /** Offset of the body in the receive buffer, once the head has arrived. */
  bodyStart?: number;
  /** Content-Length; undefined means the body ends when the server closes the connection. */
  length?: number;
  closeAfter?: boolean;
}

/**
 * A minimal Batch client for throughput runs: each request signed with SigV4 (aws4) and sent as
 * the SDK sends it (`POST /v1/submitjob`, JSON body), one request at a time over one keep-alive
 * connection (reconnecting when the server answers `Connection: close`, as moto does).
 *
 * On a 2-core machine the client shares the cores with the server under test, and with one
 * sequential client its CPU adds to every round trip, diluting the comparison of the servers.
 * So the HTTP/1.1 exchange is written directly on a socket: one write per request, a response
 * read by its Content-Length. Measured against a trivial node:http server, a request costs
 * this client ~120 µs of CPU, undici's dispatch() ~220 µs and the SDK ~1 ms. It supports only
 * what the two servers answer (no chunked bodies, no pipelining). Both servers get the same
 * client; the bench also reports SDK clients.
 */
export class WireBatchClient {
  private readonly endpoint: URL;
  private socket: Socket | undefined;
  private received: Buffer = Buffer.alloc(0);
  private inFlight: InFlight | undefined;

  constructor(url: string) {
    this.endpoint = new URL(url);
  }

  async submitJob(input: { jobName: string; jobQueue: string; jobDefinition: string }): Promise<string> {
    const out = (await this.call('/v1/submitjob', input)) as { jobId?: string };
    if (!out.jobId) throw new Error('SubmitJob returned no jobId');
    return out.jobId;
  }

  call(path: string, input: unknown): Promise<unknown> {
    if (this.inFlight) return Promise.reject(new Error('WireBatchClient sends one request at a time'));
    const body = JSON.stringify(input);
    const signed = aws4.sign(
      { service: 'batch', region: REGION, method: 'POST', host: this.endpoint.host, path, headers: { 'content-type': 'application/json' }, body },
      CREDENTIALS,
    );
    let head = `POST ${path} HTTP/1.1\r\n`;
    for (const [name, value] of Object.entries(signed.headers as Record<string, string | number>)) head += `${name}: ${value}\r\n`;
    return new Promise((resolve, reject) => {
      this.inFlight = { path, resolve, reject };
      const socket = this.socket ?? this.connect();
      socket.write(`${head}\r\n${body}`);
    });
  }

  destroy(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private connect(): Socket {
    const socket = connect({ host: this.endpoint.hostname, port: Number(this.endpoint.port), noDelay: true });
    // Events of a socket this client has already let go of (after `Connection: close`) are ignored.
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.onData(chunk);
    });
    socket.on('error', (error) => {
      if (this.socket === socket) this.fail(error);
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const request = this.inFlight;
      if (request?.bodyStart !== undefined && request.length === undefined) this.finish(this.received.length);
      else if (request) this.fail(new Error(`${request.path}: connection closed before the response ended`));
    });
    this.socket = socket;
    this.received = Buffer.alloc(0);
    return socket;
  }

  private onData(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    const request = this.inFlight;
    if (!request) return;
    if (request.bodyStart === undefined) {
      const headEnd = this.received.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const [statusLine = '', ...headers] = this.received.toString('latin1', 0, headEnd).split('\r\n');
      request.status = Number(statusLine.split(' ')[1]);
      for (const line of headers) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'content-length') request.length = Number(value);
        else if (name === 'connection') request.closeAfter = value.toLowerCase() === 'close';
        else if (name === 'transfer-encoding') return this.fail(new Error(`${request.path}: chunked responses are not supported`));
      }
      request.bodyStart = headEnd + 4;
    }
    if (request.length !== undefined && this.received.length >= request.bodyStart + request.length) this.finish(request.bodyStart + request.length);
  }

  private finish(bodyEnd: number): void {
    const request = this.inFlight!;
    this.inFlight = undefined;
    const text = this.received.toString('utf8', request.bodyStart, bodyEnd);
    this.received = Buffer.alloc(0);
    if (request.closeAfter || request.length === undefined) this.destroy();
    if (request.status !== 200) request.reject(new Error(`${request.path} answered ${request.status}: ${text.slice(0, 300)}`));
    else request.resolve(JSON.parse(text));
  }

  private fail(error: Error): void {
    const request = this.inFlight;
    this.inFlight = undefined;
    this.destroy();
    request?.reject(error);
  }
}
