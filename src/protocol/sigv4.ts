/**
 * The credential scope of an AWS Signature V4 `Authorization` header (reference §3):
 * `AWS4-HMAC-SHA256 Credential=<key>/<yyyymmdd>/<region>/<service>/aws4_request, ...`.
 * In local mode Barge accepts any signature and only reads who is calling and for which region;
 * verifying the HMAC belongs to the authentication work that comes later.
 */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

export function parseCredentialScope(authorization: string | undefined): CredentialScope | undefined {
  if (!authorization?.startsWith('AWS4-HMAC-SHA256')) return undefined;
  const m = CREDENTIAL.exec(authorization);
  if (!m) return undefined;
  return { accessKeyId: m[1]!, date: m[2]!, region: m[3]!, service: m[4]! };
}
