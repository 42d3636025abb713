import { SignatureV4 } from '@smithy/signature-v4';
import { CREDENTIALS, REGION } from './client.js';
import { NodeSha256 } from '../src/protocol/node-sha256.js';

/**
 * moto's CreateComputeEnvironment insists that the service role exists in its IAM, so create
 * one. No IAM client ships with the repo; this is a signed IAM query-protocol call (moto routes
 * a request to a service by the credential scope of its signature).
 */
export async function createMotoRole(url: string, roleName: string): Promise<string> {
  const endpoint = new URL(url);
  const body = new URLSearchParams({
    Action: 'CreateRole',
    Version: '2010-05-08',
    RoleName: roleName,
    AssumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'batch.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    }),
  }).toString();
  const signer = new SignatureV4({ service: 'iam', region: REGION, credentials: CREDENTIALS, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: Number(endpoint.port),
    path: '/',
    query: {},
    headers: { host: endpoint.host, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body });
  const text = await response.text();
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(text)?.[1];
  if (!response.ok || !arn) throw new Error(`moto CreateRole failed (${response.status}): ${text.slice(0, 500)}`);
  return arn;
}
