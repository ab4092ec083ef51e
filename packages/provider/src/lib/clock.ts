/** Seconds since the epoch (the JWT NumericDate, RFC 7519 §2), the unit of every stored time. */
export type Clock = () => number;

export const systemClock: Clock = () => Math.floor(Date.now() / 1000);
