/**
 * A request may narrow what was granted, never widen it: `requested` if every element of it was
 * granted, all of `granted` if nothing is requested, and `refuse(wider)` thrown otherwise. Scopes on
 * a refresh (RFC 6749 §6) and resources on a code exchange or refresh (RFC 8707 §2.2) follow it.
 */
export function narrowGranted(
  requested: readonly string[],
  granted: readonly string[],
  refuse: (wider: string[]) => Error,
): string[] {
  if (requested.length === 0) return [...granted];
  const wider = requested.filter((value) => !granted.includes(value));
  if (wider.length > 0) throw refuse(wider);
  return [...requested];
}
