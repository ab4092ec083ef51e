/**
 * What the console may show of a connector's own settings (issue 17: "shown, secrets masked"). Each
 * connector type turns its configuration into facts itself, so a secret never leaves the type's file:
 * the fact carries the mask, not the value.
 */
export interface ConnectorFact {
  readonly label: string;
  /** Plain text; a URL, DN or identifier is shown as code. */
  readonly value: string;
  readonly code?: boolean;
}

/** How a configured secret appears: whether it is set, never any of its characters. */
export const SECRET_MASK = '••••';

export function secretFact(label: string, secret: string | undefined): ConnectorFact {
  return { label, value: secret === undefined || secret === '' ? 'not set' : SECRET_MASK };
}

export function codeFact(label: string, value: string | undefined): ConnectorFact {
  return value === undefined || value === '' ? { label, value: 'not set' } : { label, value, code: true };
}
