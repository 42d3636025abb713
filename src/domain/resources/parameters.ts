/**
 * `Ref::name` placeholders (reference §5): substituted only in the container command, with
 * submit-time parameters over the definition's defaults. A placeholder with no value stays
 * as written. Placeholders inside larger strings (`--in=Ref::in`) are substituted too,
 * longest name first so `Ref::ab` is not read as `Ref::a` followed by `b`.
 */
export function mergeParameters(
  defaults: Record<string, string> | undefined,
  submitted: Record<string, string> | undefined,
): Record<string, string> {
  return { ...(defaults ?? {}), ...(submitted ?? {}) };
}

export function substituteParameters(command: readonly string[], parameters: Record<string, string>): string[] {
  const pattern = placeholderPattern(parameters);
  if (!pattern) return [...command];
  return command.map((part) => part.replace(pattern, (_, name: string) => parameters[name] ?? `Ref::${name}`));
}

/**
 * How many bytes substitution adds to the command's JSON text (UTF-8), found without building
 * the substituted strings: a few kilobytes of placeholders can stand for hundreds of megabytes.
 * JSON escapes each character on its own, so a string's encoded size is the sum of its pieces'
 * (exactly, except that surrogate halves pairing up across a placeholder's edge are over-counted).
 */
export function substitutionGrowth(command: readonly string[], parameters: Record<string, string>): number {
  const pattern = placeholderPattern(parameters);
  if (!pattern) return 0;
  const growthByName = new Map<string, number>();
  let growth = 0;
  for (const part of command) {
    for (const match of part.matchAll(pattern)) {
      const name = match[1]!;
      let step = growthByName.get(name);
      if (step === undefined) {
        step = encodedBytes(parameters[name]!) - encodedBytes(match[0]);
        growthByName.set(name, step);
      }
      growth += step;
    }
  }
  return growth;
}

function placeholderPattern(parameters: Record<string, string>): RegExp | undefined {
  const names = Object.keys(parameters).sort((a, b) => b.length - a.length);
  if (names.length === 0) return undefined;
  return new RegExp(`Ref::(${names.map(escapeRegExp).join('|')})`, 'g');
}

/** UTF-8 bytes of a string inside JSON quotes. */
function encodedBytes(s: string): number {
  return Buffer.byteLength(JSON.stringify(s)) - 2;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
