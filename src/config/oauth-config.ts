import { EnvDto } from './env.dto';

/** A generic OpenID Connect provider, from `OIDC_<NAME>_*` (id = `<name>` lower-cased). */
export interface OidcProviderSettings {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Social sign-in: a provider without settings is simply not offered. */
export interface OAuthSettings {
  /** Where the callback sends the browser with `?code=` or `?error=`. */
  successRedirect: string;
  google: { clientId: string; clientSecret: string; issuer: string } | null;
  github: { clientId: string; clientSecret: string; baseUrl: string; apiUrl: string } | null;
  oidc: OidcProviderSettings[];
}

const OIDC_VARIABLE = /^OIDC_([A-Z0-9][A-Z0-9_]*?)_(ISSUER|CLIENT_ID|CLIENT_SECRET|DISPLAY_NAME)$/;
const OIDC_REQUIRED = ['ISSUER', 'CLIENT_ID', 'CLIENT_SECRET'] as const;
const RESERVED_IDS = new Set(['google', 'github']);
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Null when `value` is an https URL, or an http URL of a loopback host (local test
 * providers); otherwise why not.
 */
export function issuerUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a URL';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return 'must be an https URL (http only for localhost)';
}

function titleCase(name: string): string {
  return name
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

/**
 * Reads the social sign-in settings. The OIDC_* variables are dynamic, so they are parsed
 * here rather than declared on EnvDto. Returns every problem as `VARIABLE: message`.
 */
export function parseOAuthSettings(
  env: EnvDto,
  source: Record<string, string | undefined>,
  appUrl: string,
): { settings: OAuthSettings; problems: string[] } {
  const problems: string[] = [];
  const checkUrl = (variable: string, value: string): void => {
    const problem = issuerUrlProblem(value);
    if (problem) problems.push(`${variable}: ${problem}`);
  };

  let google: OAuthSettings['google'] = null;
  if (env.OAUTH_GOOGLE_CLIENT_ID && env.OAUTH_GOOGLE_CLIENT_SECRET) {
    checkUrl('OAUTH_GOOGLE_ISSUER', env.OAUTH_GOOGLE_ISSUER);
    google = {
      clientId: env.OAUTH_GOOGLE_CLIENT_ID,
      clientSecret: env.OAUTH_GOOGLE_CLIENT_SECRET,
      issuer: env.OAUTH_GOOGLE_ISSUER,
    };
  }
  let github: OAuthSettings['github'] = null;
  if (env.OAUTH_GITHUB_CLIENT_ID && env.OAUTH_GITHUB_CLIENT_SECRET) {
    checkUrl('OAUTH_GITHUB_BASE_URL', env.OAUTH_GITHUB_BASE_URL);
    checkUrl('OAUTH_GITHUB_API_URL', env.OAUTH_GITHUB_API_URL);
    github = {
      clientId: env.OAUTH_GITHUB_CLIENT_ID,
      clientSecret: env.OAUTH_GITHUB_CLIENT_SECRET,
      baseUrl: env.OAUTH_GITHUB_BASE_URL.replace(/\/+$/, ''),
      apiUrl: env.OAUTH_GITHUB_API_URL.replace(/\/+$/, ''),
    };
  }

  const byName = new Map<string, Partial<Record<string, string>>>();
  for (const [variable, value] of Object.entries(source)) {
    if (value === undefined || value === '' || !variable.startsWith('OIDC_')) continue;
    const match = OIDC_VARIABLE.exec(variable);
    if (!match) {
      problems.push(
        `${variable}: not a known setting (OIDC_<NAME>_ISSUER, _CLIENT_ID, _CLIENT_SECRET, _DISPLAY_NAME)`,
      );
      continue;
    }
    const [, name, field] = match;
    byName.set(name, { ...byName.get(name), [field]: value });
  }
  const oidc: OidcProviderSettings[] = [];
  for (const [name, fields] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    const id = name.toLowerCase();
    if (RESERVED_IDS.has(id)) {
      problems.push(`OIDC_${name}_ISSUER: "${id}" is a built-in provider; use OAUTH_${name}_*`);
      continue;
    }
    const missing = OIDC_REQUIRED.filter((field) => !fields[field]);
    if (missing.length > 0) {
      for (const field of missing) {
        problems.push(`OIDC_${name}_${field}: is required with the other OIDC_${name}_* settings`);
      }
      continue;
    }
    checkUrl(`OIDC_${name}_ISSUER`, fields.ISSUER!);
    oidc.push({
      id,
      name: fields.DISPLAY_NAME ?? titleCase(name),
      issuer: fields.ISSUER!,
      clientId: fields.CLIENT_ID!,
      clientSecret: fields.CLIENT_SECRET!,
    });
  }

  return {
    settings: {
      successRedirect: env.OAUTH_SUCCESS_REDIRECT ?? `${appUrl}/oauth/callback`,
      google,
      github,
      oidc,
    },
    problems,
  };
}
