import { execFileSync } from 'node:child_process';

/** Containers on the engine that carry a label with this value (for leak checks). */
export function containersWithLabelValue(label: string, value: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${label}=${value}`], {
    env: { ...process.env, DOCKER_API_VERSION: '1.41' },
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l.trim() !== '');
}

/** All containers whose name starts with a prefix. */
export function containersNamed(prefix: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${prefix}`], {
    env: { ...process.env, DOCKER_API_VERSION: '1.41' },
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => l.startsWith(prefix));
}
