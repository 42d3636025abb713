/**
 * The parts of an AWS Signature Version 4 request (aws-batch-api.md §3), from the
 * `Authorization: AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request,
 * SignedHeaders=<h1;h2>, Signature=<64 hex>` header with `X-Amz-Date`, or from a presigned URL's
 * `X-Amz-*` query parameters. Parsing only: `SigV4Verifier` checks the signature.
 */
export interface SignedParts {
  accessKeyId: string;
  /** `yyyymmdd` of the credential scope. */
  date: string;
  region: string;
  service: string;
  /** Lower-case header names, as listed (sorted by the signer). Shared between requests: never changed. */
  signedHeaders: readonly string[];
  /** 64 lower-case hex digits. */
  signature: string;
  /** `yyyymmddThhmmssZ`, the request time that was signed. */
  amzDate: string;
  securityToken?: string;
  /** Present for a presigned URL: seconds the signature stays valid. */
  expiresSeconds?: number;
}

/** Why a request carries no usable signature: AWS's front-door error codes. */
export interface SignatureProblem {
  code: 'MissingAuthenticationTokenException' | 'IncompleteSignatureException';
  message: string;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const CREDENTIAL = /^([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request$/;
const AMZ_DATE = /^\d{8}T\d{6}Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;
const HEADER_LIST = /^[a-z0-9-]+(;[a-z0-9-]+)*$/;
/** AWS's limit for presigned URLs: seven days. */
const MAX_EXPIRES_SECONDS = 7 * 24 * 3600;

type Headers = Record<string, string | string[] | undefined>;

/**
 * The signature a request carries in its `Authorization` header or (presigned) its query, or
 * the problem with it. `query` holds the decoded query parameters.
 */
export function parseSignature(headers: Headers, query: Map<string, string[]>): SignedParts | SignatureProblem {
  const authorization = headers['authorization'];
  if (typeof authorization === 'string' && authorization !== '') return parseAuthorizationHeader(authorization, headers);
  if (query.has('X-Amz-Algorithm') || query.has('X-Amz-Signature')) return parsePresignedQuery(query);
  return { code: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' };
}

/** The layout every SDK and CLI writes; anything else goes through the general parse below. */
const USUAL_AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+), ?SignedHeaders=([^,\s]+), ?Signature=([^,\s]+)$/;

function parseAuthorizationHeader(authorization: string, headers: Headers): SignedParts | SignatureProblem {
  const usual = USUAL_AUTHORIZATION.exec(authorization);
  if (usual) {
    const amzDate = headerValue(headers['x-amz-date']);
    if (amzDate === undefined) return incomplete("Authorization header requires existence of a 'X-Amz-Date' header");
    return assemble(usual[1]!, usual[2]!, usual[3]!, amzDate, headerValue(headers['x-amz-security-token']), undefined);
  }
  const space = authorization.indexOf(' ');
  const algorithm = space < 0 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return incomplete(`Authorization header requires the ${ALGORITHM} algorithm (Signature Version 4); got '${algorithm.slice(0, 40)}'`);
  }
  const fields = new Map<string, string>();
  for (const part of authorization.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    const missing = [credential === undefined && 'Credential', signedHeaders === undefined && 'SignedHeaders', signature === undefined && 'Signature'].filter(Boolean);
    return incomplete(`Authorization header requires '${missing.join("', '")}' parameter(s)`);
  }
  const amzDate = headerValue(headers['x-amz-date']);
  if (amzDate === undefined) return incomplete("Authorization header requires existence of a 'X-Amz-Date' header");
  const token = headerValue(headers['x-amz-security-token']);
  return assemble(credential, signedHeaders, signature, amzDate, token, undefined);
}

function parsePresignedQuery(query: Map<string, string[]>): SignedParts | SignatureProblem {
  const one = (name: string) => {
    const values = query.get(name);
    return values?.length === 1 ? values[0] : undefined;
  };
  const algorithm = one('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) return incomplete(`X-Amz-Algorithm must be ${ALGORITHM}`);
  const credential = one('X-Amz-Credential');
  const signedHeaders = one('X-Amz-SignedHeaders');
  const signature = one('X-Amz-Signature');
  const amzDate = one('X-Amz-Date');
  const expires = one('X-Amz-Expires');
  if (credential === undefined || signedHeaders === undefined || signature === undefined || amzDate === undefined || expires === undefined) {
    return incomplete('A presigned request needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature');
  }
  const expiresSeconds = Number(expires);
  if (!/^\d+$/.test(expires) || expiresSeconds < 1 || expiresSeconds > MAX_EXPIRES_SECONDS) {
    return incomplete(`X-Amz-Expires must be a number of seconds from 1 to ${MAX_EXPIRES_SECONDS}`);
  }
  return assemble(credential, signedHeaders, signature, amzDate, one('X-Amz-Security-Token'), expiresSeconds);
}

/** What `Credential` and `SignedHeaders` say: the same for every request a client signs in a day. */
type Scope = Pick<SignedParts, 'accessKeyId' | 'date' | 'region' | 'service' | 'signedHeaders'>;

/** Parsed scopes by their `Credential` and `SignedHeaders` text; a few per client and day. */
const scopes = new Map<string, Scope | SignatureProblem>();
const SCOPE_CACHE_SIZE = 256;

function scopeOf(credential: string, signedHeaders: string): Scope | SignatureProblem {
  const key = `${credential} ${signedHeaders}`;
  let scope = scopes.get(key);
  if (scope === undefined) {
    scope = parseScope(credential, signedHeaders);
    if (scopes.size >= SCOPE_CACHE_SIZE) scopes.clear();
    scopes.set(key, scope);
  }
  return scope;
}

function parseScope(credential: string, signedHeaders: string): Scope | SignatureProblem {
  const scope = CREDENTIAL.exec(credential);
  if (!scope) return incomplete(`Credential must have the form <access key>/<yyyymmdd>/<region>/<service>/aws4_request; got '${credential.slice(0, 200)}'`);
  if (!HEADER_LIST.test(signedHeaders)) return incomplete(`SignedHeaders must be lower-case header names separated by ';'`);
  return Object.freeze({ accessKeyId: scope[1]!, date: scope[2]!, region: scope[3]!, service: scope[4]!, signedHeaders: Object.freeze(signedHeaders.split(';')) as string[] });
}

function assemble(
  credential: string,
  signedHeaders: string,
  signature: string,
  amzDate: string,
  securityToken: string | undefined,
  expiresSeconds: number | undefined,
): SignedParts | SignatureProblem {
  const scope = scopeOf(credential, signedHeaders);
  if ('code' in scope) return scope;
  if (!AMZ_DATE.test(amzDate)) return incomplete(`X-Amz-Date must have the form yyyymmddThhmmssZ; got '${amzDate.slice(0, 40)}'`);
  if (!amzDate.startsWith(scope.date)) {
    return incomplete(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}'`);
  }
  if (!SIGNATURE.test(signature)) return incomplete('Signature must be 64 lower-case hexadecimal digits');
  const parts: SignedParts = {
    accessKeyId: scope.accessKeyId,
    date: scope.date,
    region: scope.region,
    service: scope.service,
    signedHeaders: scope.signedHeaders,
    signature,
    amzDate,
  };
  if (securityToken !== undefined) parts.securityToken = securityToken;
  if (expiresSeconds !== undefined) parts.expiresSeconds = expiresSeconds;
  return parts;
}

function incomplete(message: string): SignatureProblem {
  return { code: 'IncompleteSignatureException', message };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `yyyymmddThhmmssZ` as epoch milliseconds. */
export function amzDateToMillis(amzDate: string): number {
  return Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15)),
  );
}

/** Epoch milliseconds as `yyyymmddThhmmssZ`. */
export function millisToAmzDate(millis: number): string {
  return new Date(millis).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/**
 * Query parameters decoded as SigV4 signers encode them (RFC 3986: `+` is a literal plus, not a
 * space), in order of appearance. A malformed escape keeps its raw text.
 */
export function parseQuery(rawQuery: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  if (rawQuery === '') return out;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const values = out.get(name);
    if (values) values.push(value);
    else out.set(name, [value]);
  }
  return out;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
