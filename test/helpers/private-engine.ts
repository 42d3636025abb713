import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** The repository root (tests run from dist/test/helpers). */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** dockerd needs a few seconds to come up; Debian's packages live in the sbin directories. */
const START_TIMEOUT_MS = 60_000;
const PATH = `/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:${process.env['PATH'] ?? ''}`;

/**
 * A Docker engine of the test's own, beside the shared one at /var/run/docker.sock, which
 * other tests use and which must never be stopped. Every path dockerd and the containerd it
 * starts write to (API socket, data root, exec root with containerd's socket and state, pid
 * file, config file) is inside one temporary directory, so the two engines share nothing.
 */
export class PrivateEngine {
  readonly socket: string;
  private daemon: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly dir: string) {
    this.socket = join(dir, 'docker.sock');
  }

  /** Starts the engine and builds the test image in it; throws (never skips) when it cannot. */
  static async create(): Promise<PrivateEngine> {
    // Short and under /tmp: unix socket paths (containerd's among them) are limited to 107 bytes.
    const engine = new PrivateEngine(mkdtempSync('/tmp/barge-engine-'));
    try {
      // Without --config-file, dockerd would read the shared engine's /etc/docker/daemon.json.
      writeFileSync(join(engine.dir, 'daemon.json'), '{}\n');
      await engine.start();
      await run(join(REPO, 'scripts/build-test-images.sh'), [], { env: engine.cliEnv() });
    } catch (error) {
      await engine.destroy().catch((cleanupError: Error) => {
        throw new Error(`${(error as Error).message}\n(and then ${cleanupError.message})`, { cause: error });
      });
      throw error;
    }
    return engine;
  }

  /** Environment that points the docker CLI (and scripts using it) at this engine. */
  cliEnv(): NodeJS.ProcessEnv {
    return { ...process.env, PATH, DOCKER_HOST: `unix://${this.socket}`, DOCKER_API_VERSION: '1.41' };
  }

  get running(): boolean {
    return this.daemon !== undefined;
  }

  /** Starts dockerd on the same paths (so it finds its containers again) and waits until it answers. */
  async start(): Promise<void> {
    if (this.daemon) throw new Error('the private engine is already running');
    const d = this.dir;
    const daemon = spawn(
      'dockerd',
      [
        '--config-file', join(d, 'daemon.json'),
        '--host', `unix://${this.socket}`,
        '--data-root', join(d, 'data'),
        '--exec-root', join(d, 'exec'),
        '--pidfile', join(d, 'docker.pid'),
        // As scripts/start-docker.sh: jobs use host or no networking, and the shared engine owns the host's firewall.
        '--bridge=none', '--iptables=false', '--ip6tables=false',
      ],
      { env: { ...process.env, PATH }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    daemon.stderr!.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const spawnFailed = new Promise<never>((_, reject) => daemon.once('error', reject));
    this.exited = new Promise((res) => daemon.once('exit', () => res()));
    this.daemon = daemon;
    void this.exited.then(() => {
      if (this.daemon === daemon) this.daemon = undefined;
    });
    try {
      await Promise.race([
        spawnFailed,
        this.exited.then(() => Promise.reject(new Error('dockerd exited'))),
        waitFor('the private dockerd to answer', async () => ((await this.answers()) ? true : undefined), START_TIMEOUT_MS, 200),
      ]);
    } catch (error) {
      throw new Error(`could not start a private dockerd in ${d}: ${(error as Error).message}\n${log}`, { cause: error });
    }
  }

  /**
   * Sends `signal` to dockerd and waits for it to exit. SIGTERM shuts it down as a service
   * manager would (it stops the containers, then containerd); SIGKILL is a crash, which leaves
   * containerd and the containers' shims running until dockerd comes back.
   */
  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    this.signal(signal);
    await this.exited;
  }

  /** Sends `signal` to dockerd and returns at once; `stopped` resolves when it has exited. */
  signal(signal: 'SIGTERM' | 'SIGKILL'): void {
    if (!this.daemon?.pid) throw new Error('the private engine is not running');
    process.kill(this.daemon.pid, signal);
  }

  get stopped(): Promise<void> {
    return this.exited;
  }

  /** Whether the engine answers /_ping right now. */
  answers(): Promise<boolean> {
    return new Promise((res) => {
      const req = request({ socketPath: this.socket, path: '/_ping', agent: false, timeout: 2000 }, (response) => {
        response.resume();
        res(response.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => res(false));
      req.end();
    });
  }

  /** Runs the docker CLI against this engine and returns its stdout. */
  async docker(...args: string[]): Promise<string> {
    return (await run('docker', args, { env: this.cliEnv() })).stdout;
  }

  /** Names of all containers on this engine, in any state. */
  async containerNames(): Promise<string[]> {
    return (await this.docker('ps', '-a', '--format', '{{.Names}}')).split('\n').filter((n) => n !== '');
  }

  /**
   * Leaves nothing behind, also after a failed test: containers are removed through the engine
   * (started again if needed, since killing a shim would orphan the container's processes),
   * dockerd is stopped (which stops its containerd), and only then is anything still running
   * from this engine's directory killed by pid and its mounts detached before the directory goes.
   */
  async destroy(): Promise<void> {
    const problems: string[] = [];
    try {
      if (!this.daemon && this.hasContainers()) await this.start();
      if (this.daemon) {
        const ids = (await this.docker('ps', '-a', '-q')).split('\n').filter((id) => id !== '');
        if (ids.length > 0) await this.docker('rm', '-f', '-v', ...ids);
      }
    } catch (error) {
      problems.push(`removing containers: ${(error as Error).message}`);
    }
    if (this.daemon) await this.stop('SIGTERM');
    // dockerd stops its containerd as it exits; give that a moment before calling it a leak.
    await waitFor('containerd of the private engine to exit', async () => (processesUsing(this.dir).length === 0 ? true : undefined), 5000, 100).catch(() => undefined);
    for (const pid of processesUsing(this.dir)) {
      problems.push(`process ${pid} outlived dockerd`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const mount of mountsUnder(this.dir).reverse()) {
      await run('umount', ['-l', mount], { env: { ...process.env, PATH } }).catch((error: Error) => problems.push(`umount ${mount}: ${error.message}`));
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (problems.length > 0) throw new Error(`private engine cleanup: ${problems.join('; ')}`);
  }

  /** Whether the engine's data root holds any container (dockerd keeps one directory per container). */
  private hasContainers(): boolean {
    try {
      return readdirSync(join(this.dir, 'data', 'containers')).length > 0;
    } catch {
      return false;
    }
  }
}

/** Pids of processes whose command line or working directory is inside `dir`. */
function processesUsing(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmdline.includes(dir) || readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) pids.push(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Mount points inside `dir` (overlay layers, shm, the containers' rootfs), in the order they were mounted. */
function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((mountPoint) => mountPoint.startsWith(`${dir}/`));
}
