/**
 * dockerode reports an engine answer other than success as an Error carrying `statusCode` and,
 * for non-streaming calls, the engine's JSON body in `json`. Streaming calls (pull, logs) only
 * put the engine's text inside `message`, after docker-modem's "(HTTP code N) reason - " prefix.
 * These helpers read both shapes so no call site has to know them.
 */

/** The HTTP status the engine answered with, or undefined when the engine never answered. */
export function engineStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own message ("No such image: ..."), without docker-modem's decoration. */
export function engineMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const json = (error as { json?: unknown }).json;
    if (typeof json === 'object' && json !== null) {
      const message = (json as { message?: unknown }).message;
      if (typeof message === 'string') return message.trim();
    }
  }
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^\(HTTP code \d+\) .*? - /, '').trim();
}

export function isEngineStatus(error: unknown, ...statuses: number[]): boolean {
  const status = engineStatus(error);
  return status !== undefined && statuses.includes(status);
}

/** AWS caps `container.reason` at 255 characters (reference §6); so do we. */
export function containerReason(prefix: string, message: string): string {
  const reason = `${prefix}: ${message}`;
  return reason.length <= 255 ? reason : reason.slice(0, 255);
}

/**
 * errno codes that mean Barge itself is short of a resource (descriptors, memory, socket
 * buffers) when it talks to the engine, rather than that the engine failed: EMFILE and ENFILE
 * when no descriptor is left for a new connection to the socket, ENOMEM, and EAGAIN / ENOBUFS
 * when the socket cannot take a connection or a write right now.
 */
const LOCAL_RESOURCE_CODES = new Set(['EMFILE', 'ENFILE', 'ENOMEM', 'EAGAIN', 'ENOBUFS']);

/** The errno code of a local resource shortage in the error or its causes, if any. */
export function localResourceCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && LOCAL_RESOURCE_CODES.has(code)) return code;
  }
  return undefined;
}
