/** A wait in words for a throttled form: seconds under a minute, whole minutes above. */
export function formatWait(seconds: number): string {
  return seconds < 60 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
}
