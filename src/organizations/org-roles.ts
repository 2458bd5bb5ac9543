/** Organization roles, least to most powerful. */
export const ORG_ROLES = ['member', 'admin', 'owner'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** The roles an invitation or a role change may give: ownership moves only by transfer. */
export const ASSIGNABLE_ORG_ROLES = ['member', 'admin'] as const;
export type AssignableOrgRole = (typeof ASSIGNABLE_ORG_ROLES)[number];

const RANK: Record<OrgRole, number> = { member: 1, admin: 2, owner: 3 };

/**
 * Whether a membership carries at least `least` (owner > admin > member). The one place
 * roles are compared; no membership (or an unknown role) has none.
 */
export function hasOrgRole(
  membership: { role: string } | null | undefined,
  least: OrgRole,
): boolean {
  if (!membership || !Object.hasOwn(RANK, membership.role)) return false;
  return RANK[membership.role as OrgRole] >= RANK[least];
}
