import { execFile, execFileSync } from 'node:child_process';

const DOCKER_ENV = { ...process.env, DOCKER_API_VERSION: '1.41' };

/** Containers on the engine that carry a label with this value (for leak checks). */
export function containersWithLabelValue(label: string, value: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '-q', '--filter', `label=${label}=${value}`], { env: DOCKER_ENV, encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim() !== '');
}

/** All containers whose name starts with a prefix. */
export function containersNamed(prefix: string): string[] {
  const out = execFileSync('docker', ['ps', '-a', '--format', '{{.Names}}', '--filter', `name=${prefix}`], { env: DOCKER_ENV, encoding: 'utf8' });
  return out.split('\n').filter((l) => l.startsWith(prefix));
}

/** Resolves when the container has exited (`docker wait`), with its exit code. */
export function containerExit(name: string): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile('docker', ['wait', name], { env: DOCKER_ENV, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(Number(stdout.trim())))),
  );
}

/** Removes (killing if need be) every container that carries a label with this value. */
export function removeContainersWithLabelValue(label: string, value: string): void {
  const ids = containersWithLabelValue(label, value);
  if (ids.length > 0) execFileSync('docker', ['rm', '-f', ...ids], { env: DOCKER_ENV, stdio: 'ignore' });
}
