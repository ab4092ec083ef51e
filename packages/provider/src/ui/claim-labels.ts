/** How the pages name the OIDC standard claims (OIDC Core §5.1) they show or edit: one wording everywhere. */
export const CLAIM_LABELS = {
  name: 'Name',
  given_name: 'Given name',
  family_name: 'Family name',
  nickname: 'Nickname',
  preferred_username: 'Preferred username',
  phone_number: 'Phone',
  birthdate: 'Birthdate',
  locale: 'Locale',
  zoneinfo: 'Time zone',
  website: 'Website',
  picture: 'Picture URL',
} as const;

export type LabelledClaim = keyof typeof CLAIM_LABELS;

/** `[claim, label]` pairs for a page's own list of claims, in its order. */
export const labelled = (claims: readonly LabelledClaim[]): readonly (readonly [LabelledClaim, string])[] =>
  claims.map((claim) => [claim, CLAIM_LABELS[claim]] as const);
