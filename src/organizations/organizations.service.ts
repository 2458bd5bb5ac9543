import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditEvent } from '../audit/audit-event.entity';
import { AuditEventsRepository } from '../audit/audit-events.repository';
import { AppException } from '../common/errors/app.exception';
import { DEFAULT_PAGE_LIMIT } from '../common/pagination/page-query.dto';
import { decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { Organization } from './entities/organization.entity';
import { MembershipsRepository } from './memberships.repository';
import { OrgAccess, OrgAccessService } from './org-access.service';
import { OrgActor, OrgAudit } from './org-audit';
import { OrgRole } from './org-roles';
import { OrganizationsRepository } from './organizations.repository';
import { firstFreeSlug, slugBase } from './slug';

export interface OrganizationWithRole {
  organization: Organization;
  role: OrgRole;
}

const PG_UNIQUE_VIOLATION = '23505';
const SLUG_CONSTRAINT = 'UQ_organizations_slug';
/** Generated slugs retry this often when another request takes the same one meanwhile. */
const SLUG_ATTEMPTS = 5;

function isSlugViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === PG_UNIQUE_VIOLATION && driverError.constraint === SLUG_CONSTRAINT;
}

function slugTaken(): AppException {
  return new AppException('conflict', 'An organization with this slug already exists', {
    errors: [{ field: 'slug', message: 'slug is taken' }],
  });
}

/** Organizations themselves: create, list, rename, delete. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly access: OrgAccessService,
    private readonly audit: OrgAudit,
    private readonly auditEvents: AuditEventsRepository,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** The creator becomes the owner. An explicit slug that is taken is a 409. */
  async create(
    actor: OrgActor,
    input: { name: string; slug?: string },
  ): Promise<OrganizationWithRole> {
    if (input.slug && (await this.organizations.slugExists(input.slug))) throw slugTaken();
    const organization = await this.dataSource.transaction(async (manager) => {
      const created = await this.insertWithSlug(manager, input.name, actor.userId, input.slug);
      await this.memberships.insert(manager, {
        organizationId: created.id,
        userId: actor.userId,
        role: 'owner',
      });
      await this.audit.record(manager, actor, 'org.created', created.id, {
        target: { type: 'organization', id: created.id },
        metadata: { name: created.name, slug: created.slug },
      });
      return created;
    });
    return { organization, role: 'owner' };
  }

  private async insertWithSlug(
    manager: EntityManager,
    name: string,
    ownerId: string,
    explicitSlug: string | undefined,
  ): Promise<Organization> {
    for (let attempt = 1; ; attempt++) {
      const slug =
        explicitSlug ??
        firstFreeSlug(
          slugBase(name),
          await this.organizations.findSlugsLike(slugBase(name), manager),
        );
      try {
        return await this.organizations.insert(manager, { name, slug, ownerId });
      } catch (error) {
        if (!isSlugViolation(error)) throw error;
        // Someone took it meanwhile: an explicit slug is a conflict, a generated one is picked again.
        if (explicitSlug || attempt >= SLUG_ATTEMPTS) throw slugTaken();
      }
    }
  }

  async listMine(
    userId: string,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<OrganizationWithRole>> {
    const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
    const rows = await this.memberships.listOrganizationsOf(
      userId,
      limit + 1,
      decodeCursor(page.cursor),
    );
    return toPage(
      rows,
      limit,
      (row) => ({ at: row.cursorAt, id: row.membershipId }),
      (row) => ({ organization: row.organization, role: row.role }),
    );
  }

  /** Admins and the owner may rename it or change its slug. */
  async update(
    actor: OrgActor,
    access: OrgAccess,
    changes: { name?: string; slug?: string },
  ): Promise<OrganizationWithRole> {
    const before = access.organization;
    const changed: { name?: string; slug?: string } = {};
    if (changes.name !== undefined && changes.name !== before.name) changed.name = changes.name;
    if (changes.slug !== undefined && changes.slug !== before.slug) changed.slug = changes.slug;
    if (Object.keys(changed).length === 0) {
      // Reached through @Auth({ org: 'admin' }): a user's membership, never a key's.
      return { organization: before, role: access.membership?.role ?? 'admin' };
    }
    if (changed.slug && (await this.organizations.slugExists(changed.slug))) throw slugTaken();

    return this.access.inLockedOrganization(
      before.id,
      actor.userId,
      'admin',
      async (manager, locked) => {
        try {
          // A savepoint, so a slug taken meanwhile becomes a 409 with a clear message.
          await manager.transaction((inner) =>
            this.organizations.update(inner, before.id, changed),
          );
        } catch (error) {
          if (isSlugViolation(error)) throw slugTaken();
          throw error;
        }
        await this.audit.record(manager, actor, 'org.updated', before.id, {
          target: { type: 'organization', id: before.id },
          metadata: {
            changes: Object.fromEntries(
              Object.entries(changed).map(([field, value]) => [
                field,
                { from: locked.organization[field as keyof typeof changed], to: value },
              ]),
            ),
          },
        });
        return {
          organization: { ...locked.organization, ...changed, updatedAt: new Date() },
          role: locked.membership.role,
        };
      },
    );
  }

  /** Only the owner; memberships and invitations go with it. */
  async delete(actor: OrgActor, organizationId: string): Promise<void> {
    await this.access.inLockedOrganization(
      organizationId,
      actor.userId,
      'owner',
      async (manager, locked) => {
        await this.deleteLocked(manager, actor, locked.organization);
      },
    );
  }

  /**
   * Deletes an organization whose row the caller's transaction has locked, clearing it as
   * anyone's active organization, with its audit event in the same transaction.
   */
  async deleteLocked(
    manager: EntityManager,
    actor: OrgActor,
    organization: Organization,
    reason?: string,
  ): Promise<void> {
    await this.memberships.clearActiveOrganization(manager, organization.id);
    await this.audit.record(manager, actor, 'org.deleted', organization.id, {
      target: { type: 'organization', id: organization.id },
      metadata: { name: organization.name, slug: organization.slug, ...(reason ? { reason } : {}) },
    });
    await this.organizations.delete(manager, organization.id);
  }

  /** The organization's audit events, newest first. */
  auditLog(
    organizationId: string,
    page: { limit?: number; cursor?: string },
  ): Promise<Page<AuditEvent>> {
    return this.auditEvents.listNewestFirst({ organizationId }, page);
  }
}
