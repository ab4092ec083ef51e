/**
 * What each standard claim (OIDC Core §5.1) lets an application see, in the words the consent page
 * uses for a claim asked for by name. A claim not listed is shown by its name.
 */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  name: 'See your full name',
  given_name: 'See your first name',
  family_name: 'See your last name',
  middle_name: 'See your middle name',
  nickname: 'See your nickname',
  preferred_username: 'See your username',
  profile: 'See the address of your profile page',
  picture: 'See your profile picture',
  website: 'See your website',
  gender: 'See your gender',
  birthdate: 'See your date of birth',
  zoneinfo: 'See your time zone',
  locale: 'See your language and region',
  updated_at: 'See when your profile last changed',
  email: 'See your email address',
  email_verified: 'See whether your email address is verified',
  address: 'See your postal address',
  phone_number: 'See your phone number',
  phone_number_verified: 'See whether your phone number is verified',
};

export function describeClaim(name: string): string {
  return DESCRIPTIONS[name] ?? `See your “${name}”`;
}
