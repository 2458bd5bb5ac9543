import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Organization } from './entities/organization.entity';

/** Queries about organization rows, named by intent. */
@Injectable()
export class OrganizationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Reads the organization and locks its row until the transaction ends. Every change to an
   * organization's memberships, invitations or ownership takes this lock first, so such
   * changes to one organization happen one at a time and see each other's results.
   */
  lockById(manager: EntityManager, id: string): Promise<Organization | null> {
    return manager
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .setLock('pessimistic_write')
      .where('organization.id = :id', { id })
      .getOne();
  }

  findById(id: string): Promise<Organization | null> {
    return this.dataSource.getRepository(Organization).findOneBy({ id });
  }

  /** Locks several, in id order, so two transactions never wait on each other crosswise. */
  lockMany(manager: EntityManager, ids: string[]): Promise<Organization[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .setLock('pessimistic_write')
      .where({ id: In(ids) })
      .orderBy('organization.id')
      .getMany();
  }

  async slugExists(slug: string, manager?: EntityManager): Promise<boolean> {
    const repository = (manager ?? this.dataSource.manager).getRepository(Organization);
    return repository.exists({ where: { slug } });
  }

  /** Slugs equal to `base` or `base-<digits>`, to pick a free suffix. */
  async findSlugsLike(base: string, manager: EntityManager): Promise<string[]> {
    const rows = await manager
      .getRepository(Organization)
      .createQueryBuilder('organization')
      .select('organization.slug', 'slug')
      .where("organization.slug = :base OR organization.slug ~ ('^' || :base || '-[0-9]+$')", {
        base,
      })
      .getRawMany<{ slug: string }>();
    return rows.map((row) => row.slug);
  }

  /** Inserts in a savepoint, so a lost race on the slug leaves the caller's transaction usable. */
  insert(
    manager: EntityManager,
    values: Pick<Organization, 'name' | 'slug' | 'ownerId'>,
  ): Promise<Organization> {
    return manager.transaction((inner) => {
      const repository = inner.getRepository(Organization);
      return repository.save(repository.create(values));
    });
  }

  async update(
    manager: EntityManager,
    id: string,
    changes: Partial<Pick<Organization, 'name' | 'slug' | 'ownerId'>>,
  ): Promise<void> {
    await manager.getRepository(Organization).update({ id }, changes);
  }

  /** Memberships and invitations go with it (ON DELETE CASCADE). */
  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Organization).delete({ id });
  }
}
