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
