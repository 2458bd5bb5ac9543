import { randomBytes } from 'node:crypto';
import { PasswordHasher } from '../../src/auth/passwords/password-hasher';
import { OrganizationsService } from '../../src/organizations/organizations.service';
import { User } from '../../src/users/user.entity';
import { NewUser, UsersService } from '../../src/users/users.service';
import { TestApp } from './test-app';

export const DEFAULT_PASSWORD = 'correct horse battery staple 9';

/** The body of a successful login, refresh or signup ("the token response"). */
export interface TokenResponse {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresIn: number;
  user: { id: string; email: string; username: string } & Record<string, unknown>;
}

export type UserOverrides = Partial<Omit<NewUser, 'passwordHash'>> & { password?: string };

let counter = 0;

/**
 * A user created straight through UsersService (no HTTP, no rate limits, no email):
 * verified email, unique email and username, DEFAULT_PASSWORD unless overridden.
 */
export async function createUser(
  t: TestApp,
  overrides: UserOverrides = {},
): Promise<{ user: User; password: string }> {
  counter += 1;
  const suffix = `${counter}_${randomBytes(4).toString('hex')}`;
  const { password = DEFAULT_PASSWORD, ...fields } = overrides;
  const passwordHash = await t.app.get(PasswordHasher).hash(password);
  const users = t.app.get(UsersService);
  const user = await t.dataSource.transaction((manager) =>
    users.create(
      {
        email: `user${suffix}@example.com`,
        name: `Test User ${counter}`,
        username: `user_${suffix}`,
        emailVerified: true,
        ...fields,
        passwordHash,
      },
      manager,
    ),
  );
  return { user, password };
}

/** POST /api/v1/auth/login; fails the test unless it answers 200. */
export async function login(
  t: TestApp,
  identifier: string,
  password: string,
  extra: { rememberMe?: boolean; headers?: Record<string, string> } = {},
): Promise<TokenResponse> {
  const { headers, ...fields } = extra;
  const res = await t.request<TokenResponse>('POST', '/api/v1/auth/login', {
    body: { identifier, password, ...fields },
    headers,
  });
  // Status and body together, so a failure shows the problem details.
  expect({ status: res.status, body: res.body }).toMatchObject({ status: 200 });
  return res.body;
}

/** An organization owned by `ownerId`, created through OrganizationsService (no HTTP). */
export async function createOrganization(
  t: TestApp,
  ownerId: string,
  fields: { name?: string; slug?: string } = {},
): Promise<{ id: string; name: string; slug: string }> {
  counter += 1;
  const { organization } = await t.app
    .get(OrganizationsService)
    .create(
      { userId: ownerId, client: { ip: null, userAgent: null } },
      { name: fields.name ?? `Test Org ${counter}`, slug: fields.slug },
    );
  return { id: organization.id, name: organization.name, slug: organization.slug };
}

/** Adds a membership straight in the database (`admin` or `member`; owners come from creation). */
export async function addMember(
  t: TestApp,
  organizationId: string,
  userId: string,
  role: 'admin' | 'member',
): Promise<void> {
  await t.dataSource.query(
    `INSERT INTO memberships (organization_id, user_id, role) VALUES ($1, $2, $3)`,
    [organizationId, userId, role],
  );
}
