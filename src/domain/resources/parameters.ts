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
  const names = Object.keys(parameters).sort((a, b) => b.length - a.length);
  if (names.length === 0) return [...command];
  const pattern = new RegExp(`Ref::(${names.map(escapeRegExp).join('|')})`, 'g');
  return command.map((part) => part.replace(pattern, (_, name: string) => parameters[name] ?? `Ref::${name}`));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
