import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';

/** At most one warning per interval while the cap is being hit. */
const WARN_INTERVAL_MS = 10_000;

/**
 * Caps the open client connections of an HTTP server. Node's own `maxConnections` refuses the
 * newest connection, so clients that open connections and leave them idle would lock everyone
 * else out until the idle timeouts close them. Here, a connection beyond the cap makes room by
 * closing the oldest connections that are not serving a request (fresh, idle kept-alive, or
 * still sending headers); only when every open connection is busy is the new one refused.
 * AWS SDKs reconnect transparently when an idle kept-alive connection is closed.
 */
export function capConnections(server: Server, cap: number, logger: Logger): void {
  /** Open connections in the order they arrived, each with the number of requests it is serving. */
  const open = new Map<Socket, { busy: number }>();
  let evicted = 0;
  let refused = 0;
  let warnedAt = 0;

  server.on('connection', (socket: Socket) => {
    open.set(socket, { busy: 0 });
    socket.once('close', () => open.delete(socket));
    if (open.size <= cap) return;
    for (const [other, state] of open) {
      if (open.size <= cap) break;
      if (other === socket || state.busy > 0) continue;
      other.destroy();
      open.delete(other);
      evicted++;
    }
    if (open.size > cap) {
      socket.destroy();
      open.delete(socket);
      refused++;
    }
    const now = Date.now();
    if (now - warnedAt >= WARN_INTERVAL_MS) {
      warnedAt = now;
      logger.warn({ cap, idleClosed: evicted, refused }, 'client connection cap reached: idle connections were closed to make room');
      evicted = 0;
      refused = 0;
    }
  });
  server.on('request', (request, response) => {
    const state = open.get(request.socket);
    if (!state) return;
    state.busy++;
    response.once('close', () => state.busy--);
  });
}
