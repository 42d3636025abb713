/**
 * Times as the engine writes them. It prefixes each log message with an RFC 3339 timestamp of up to nanosecond
 * precision. Depending on the engine version the fraction is fixed at 9 digits or has its
 * trailing zeros trimmed ("...:05.1Z" is 100 ms), so cursors are compared as integer
 * nanoseconds, never as strings.
 */

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Nanoseconds since the epoch, or undefined when `text` is not an RFC 3339 timestamp. */
export function parseNanos(text: string): bigint | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, seconds, fraction = '', zone] = match;
  const wholeMs = Date.parse(`${seconds}${zone}`);
  if (Number.isNaN(wholeMs)) return undefined;
  return BigInt(wholeMs) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}

export function nanosToMillis(nanos: bigint): number {
  return Number(nanos / 1_000_000n);
}

/**
 * The `since` query parameter for resuming after `nanos`. The engine keeps messages whose time
 * is not before `since`, so the line at the cursor itself comes back and the caller skips it.
 */
export function sinceParameter(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${seconds}.${fraction}`;
}

/** Epoch ms of a time in an inspect answer; the engine writes year 1 for "never". */
export function engineTimeMillis(text: string): number | undefined {
  const nanos = parseNanos(text);
  if (nanos === undefined || nanos <= 0n) return undefined;
  return nanosToMillis(nanos);
}
