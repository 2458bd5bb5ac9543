import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/user.entity';

export const SUBSCRIPTION_TIERS = ['FREE', 'PRO', 'ENTERPRISE'] as const;
export type SubscriptionTier = (typeof SUBSCRIPTION_TIERS)[number];

export const DEFAULT_QUOTA_LIMIT = 10_000;

@Entity('organizations')
@Index('IDX_organizations_owner', ['ownerId'])
@Check(
  'CHK_organizations_subscription_tier',
  `"subscription_tier" IN ('FREE', 'PRO', 'ENTERPRISE')`,
)
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('UQ_organizations_slug', { unique: true })
  @Column({ type: 'varchar', length: 50 })
  slug!: string;

  /**
   * The one owner, mirrored by the membership with role `owner`. RESTRICT: a user who owns
   * an organization with other members cannot be deleted before transferring it.
   */
  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId!: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_id' })
  owner?: User;

  @Column({ name: 'subscription_tier', type: 'varchar', length: 16, default: 'FREE' })
  subscriptionTier!: SubscriptionTier;

  /** API-key requests allowed per calendar month across the organization's keys. */
  @Column({ name: 'quota_limit', type: 'integer', default: DEFAULT_QUOTA_LIMIT })
  quotaLimit!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
