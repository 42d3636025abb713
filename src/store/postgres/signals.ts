import pg from 'pg';
import type { DomainLogger } from '../../domain/logger.js';
import type { Signals, SignalTopic } from '../../domain/ports.js';
import type { PostgresDatabase } from './database.js';

const CHANNEL = 'barge';
/** Sends of one topic within this are one NOTIFY: a burst of submits wakes the leader once. */
const COALESCE_MS = 5;
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 10_000;

/**
 * Wake-ups between replicas through PostgreSQL's LISTEN/NOTIFY (scale-out.md §1.2): payloads
 * only name a topic ("something changed, look"), never carry state, and every listener also
 * polls, so a lost notification (a dropped listener connection) only delays the work. The
 * listener has a connection of its own, re-made with backoff when it breaks; on reconnect every
 * handler runs once, for what was missed meanwhile.
 */
export class PostgresSignals implements Signals {
  private readonly handlers = new Map<SignalTopic, (() => void)[]>();
  private readonly pending = new Set<SignalTopic>();
  private client: pg.Client | undefined;
  private stopped = false;
  private reconnectDelay = RECONNECT_FIRST_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: PostgresDatabase,
    private readonly log: Pick<DomainLogger, 'warn' | 'info'>,
  ) {}

  async start(): Promise<void> {
    await this.listen();
  }

  /** Whether notifications of the other processes reach this one now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  send(topic: SignalTopic): void {
    if (this.pending.has(topic)) return;
    this.pending.add(topic);
    setTimeout(() => {
      this.pending.delete(topic);
      this.db.query('SELECT pg_notify($1, $2)', [CHANNEL, topic]).catch(() => {
        // The listeners poll as well; a notification that could not be sent only delays them.
      });
    }, COALESCE_MS).unref();
  }

  on(topic: SignalTopic, handler: () => void): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.db.url, keepAlive: true, application_name: 'barge-listener' });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL) this.dispatch(message.payload as SignalTopic);
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      this.log.warn({ err: error }, 'cannot listen for wake-ups from other replicas; polling meanwhile');
      this.lost(client);
      return;
    }
    this.client = client;
    if (this.reconnectDelay !== RECONNECT_FIRST_MS) {
      this.log.info({}, 'listening for wake-ups from other replicas again');
      for (const topic of this.handlers.keys()) this.dispatch(topic);
    }
    this.reconnectDelay = RECONNECT_FIRST_MS;
  }

  private lost(client: pg.Client): void {
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.client === client) this.client = undefined;
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.reconnectDelay;
    this.reconnectDelay = Math.min(delay * 2, RECONNECT_MAX_MS);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, delay);
    this.reconnectTimer.unref();
  }

  private dispatch(topic: SignalTopic): void {
    for (const handler of this.handlers.get(topic) ?? []) handler();
  }
}
