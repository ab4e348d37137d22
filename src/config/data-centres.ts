/**
 * Zoho data centres: the accounts (OAuth) host and the Projects API host of each.
 * Source: docs/zoho-api-notes.md#data-centres. Hosts marked UNCONFIRMED there are marked
 * here too; users of those centres can set ZOHO_API_URL / ZOHO_ACCOUNTS_URL to override them.
 */
export const DATA_CENTRES = {
  us: { accountsUrl: 'https://accounts.zoho.com', apiUrl: 'https://projectsapi.zoho.com' },
  eu: { accountsUrl: 'https://accounts.zoho.eu', apiUrl: 'https://projectsapi.zoho.eu' },
  in: { accountsUrl: 'https://accounts.zoho.in', apiUrl: 'https://projectsapi.zoho.in' },
  au: { accountsUrl: 'https://accounts.zoho.com.au', apiUrl: 'https://projectsapi.zoho.com.au' },
  jp: { accountsUrl: 'https://accounts.zoho.jp', apiUrl: 'https://projectsapi.zoho.jp' },
  // UNCONFIRMED Projects host: only the accounts host is documented for Canada (docs/zoho-api-notes.md#data-centres).
  ca: { accountsUrl: 'https://accounts.zohocloud.ca', apiUrl: 'https://projectsapi.zohocloud.ca' },
  // UNCONFIRMED Projects host: one field note lists projects.zoho.sa (docs/zoho-api-notes.md#data-centres).
  sa: { accountsUrl: 'https://accounts.zoho.sa', apiUrl: 'https://projectsapi.zoho.sa' },
  // UNCONFIRMED Projects host: Zoho only says "use the appropriate domain (.cn)" (docs/zoho-api-notes.md#data-centres).
  cn: { accountsUrl: 'https://accounts.zoho.com.cn', apiUrl: 'https://projectsapi.zoho.com.cn' },
} as const satisfies Record<string, { accountsUrl: string; apiUrl: string }>;

export type DataCentre = keyof typeof DATA_CENTRES;

export const DATA_CENTRE_NAMES = Object.keys(DATA_CENTRES) as DataCentre[];
