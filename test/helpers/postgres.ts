import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A private PostgreSQL cluster for the tests: initdb into a temporary directory, listening on a
 * Unix socket in that directory only (no TCP port), trust authentication for the `barge` role.
 * Debian's server binaries (the `postgresql` package; scripts/setup.sh installs it). PostgreSQL
 * refuses to run as root, so under root the cluster runs as the `postgres` user the package
 * creates.
 *
 * fsync is off: the tests restart PostgreSQL cleanly (`pg_ctl restart -m fast`) and kill Barge,
 * never the machine, so flushing to the disk would only slow them down. Barge itself runs with
 * synchronous_commit on, as in production.
 */
export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    private readonly bin: string,
    private readonly runAs: string | undefined,
  ) {}

  /** Where the socket lives; `host` of a connection string. */
  get socketDir(): string {
    return this.dir;
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** The cluster another process started in `dir` (the global setup's): to connect, not to manage. */
  static attach(dir: string): PrivatePostgres {
    return new PrivatePostgres(dir, postgresBinDir(), process.getuid?.() === 0 ? 'postgres' : undefined);
  }

  /** `durable`: fsync and full-page writes on, as a production server has them (the bench). */
  static async start(options: { durable?: boolean } = {}): Promise<PrivatePostgres> {
    const bin = postgresBinDir();
    // Short and under /tmp: a Unix socket path is limited to 107 bytes.
    const dir = mkdtempSync('/tmp/barge-pg-');
    const runAs = process.getuid?.() === 0 ? 'postgres' : undefined;
    const cluster = new PrivatePostgres(dir, bin, runAs);
    try {
      if (runAs) chownSync(dir, uidOf(runAs), gidOf(runAs));
      cluster.run('initdb', ['-D', cluster.dataDir, '-U', 'barge', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync']);
      writeFileSync(
        join(cluster.dataDir, 'postgresql.auto.conf'),
        [
          "listen_addresses = ''",
          `unix_socket_directories = '${dir}'`,
          ...(options.durable ? [] : ['fsync = off', 'full_page_writes = off']),
          'max_connections = 300',
          'shared_buffers = 64MB',
          "log_min_messages = 'warning'",
          '',
        ].join('\n'),
      );
      if (runAs) chownSync(join(cluster.dataDir, 'postgresql.auto.conf'), uidOf(runAs), gidOf(runAs));
      cluster.pgCtl('start');
    } catch (error) {
      cluster.destroy();
      throw error;
    }
    return cluster;
  }

  /** A connection string for `database` (Barge's BARGE_DATABASE_URL form). */
  url(database: string): string {
    return `postgres://barge@localhost/${database}?host=${encodeURIComponent(this.dir)}`;
  }

  /** Runs SQL against `database` (maintenance: CREATE DATABASE, inspection). */
  async sql<R extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, values: unknown[] = []): Promise<R[]> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return (await client.query<R>(text, values)).rows;
    } finally {
      await client.end();
    }
  }

  /** A new empty database, or a copy of `template`. */
  async createDatabase(name: string, template?: string): Promise<string> {
    await this.sql('postgres', `CREATE DATABASE ${quoteIdent(name)}${template ? ` TEMPLATE ${quoteIdent(template)}` : ''}`);
    return this.url(name);
  }

  /** `pg_ctl restart -m fast`: connections are cut, committed work stays. */
  restart(): void {
    this.pgCtl('restart', ['-m', 'fast']);
  }

  stop(): void {
    this.pgCtl('stop', ['-m', 'fast']);
  }

  start(): void {
    this.pgCtl('start');
  }

  destroy(): void {
    if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
      try {
        this.pgCtl('stop', ['-m', 'immediate']);
      } catch {
        // Already gone.
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(action: string, extra: string[] = []): void {
    this.run('pg_ctl', [action, '-D', this.dataDir, '-w', '-t', '60', '-l', join(this.dir, 'server.log'), ...extra]);
  }

  private run(tool: string, args: string[]): void {
    const command = join(this.bin, tool);
    // runuser lives in /usr/sbin, which a non-login root shell may not have on its PATH.
    const runuser = existsSync('/usr/sbin/runuser') ? '/usr/sbin/runuser' : 'runuser';
    const argv = this.runAs ? [runuser, '-u', this.runAs, '--', command, ...args] : [command, ...args];
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: this.dir });
    if (result.status !== 0) {
      const log = existsSync(join(this.dir, 'server.log')) ? spawnSync('tail', ['-n', '30', join(this.dir, 'server.log')], { encoding: 'utf8' }).stdout : '';
      throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stderr}${result.stdout}\n${log}`);
    }
  }
}

/** The newest Debian PostgreSQL server's binaries. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (versions.length === 0) {
    throw new Error('PostgreSQL server binaries are missing (/usr/lib/postgresql/<version>/bin/initdb): run scripts/setup.sh --test');
  }
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0]!, 'bin');
}

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
}

function gidOf(user: string): number {
  return Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
