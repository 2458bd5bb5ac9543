import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../users/user.entity';
import { OrgRole } from '../org-roles';
import { Organization } from './organization.entity';

/** A user's place in an organization. */
@Entity('memberships')
@Index('UQ_memberships_organization_user', ['organizationId', 'userId'], { unique: true })
// At most one owner per organization, whatever races the application loses.
@Index('UQ_memberships_one_owner', ['organizationId'], { unique: true, where: `"role" = 'owner'` })
@Index('IDX_memberships_user', ['userId'])
@Check('CHK_memberships_role', `"role" IN ('owner', 'admin', 'member')`)
export class Membership {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 16 })
  role!: OrgRole;

  @CreateDateColumn({ name: 'joined_at', type: 'timestamptz' })
  joinedAt!: Date;
}
