import { hasOrgRole, OrgRole } from './org-roles';

describe('hasOrgRole', () => {
  const table: Array<[OrgRole, OrgRole, boolean]> = [
    ['owner', 'owner', true],
    ['owner', 'admin', true],
    ['owner', 'member', true],
    ['admin', 'owner', false],
    ['admin', 'admin', true],
    ['admin', 'member', true],
    ['member', 'owner', false],
    ['member', 'admin', false],
    ['member', 'member', true],
  ];

  it.each(table)('a %s has at least %s: %s', (role, least, expected) => {
    expect(hasOrgRole({ role }, least)).toBe(expected);
  });

  it('gives nothing to a missing membership or an unknown role', () => {
    expect(hasOrgRole(null, 'member')).toBe(false);
    expect(hasOrgRole(undefined, 'member')).toBe(false);
    expect(hasOrgRole({ role: 'superuser' }, 'member')).toBe(false);
    expect(hasOrgRole({ role: 'toString' }, 'member')).toBe(false);
  });
});
