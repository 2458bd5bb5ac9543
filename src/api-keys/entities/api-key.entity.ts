import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Organization } from '../../organizations/entities/organization.entity';

/** An organization's API key: only its SHA-256 digest and a display prefix are kept. */
@Entity('api_keys')
@Index('IDX_api_keys_organization', ['organizationId', 'createdAt'])
@Index('IDX_api_keys_updated_at', ['updatedAt'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @ManyToOne(() => Organization, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Organization;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** The first characters of the key (`gk_AbCdEfGh`), to tell keys apart in lists. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Index('UQ_api_keys_digest', { unique: true })
  @Column({ name: 'key_digest', type: 'bytea' })
  keyDigest!: Buffer;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  scopes!: string[];

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Any change (revocation, rotation) moves it, so instances can evict their caches. */
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** The key this one replaced by rotation. */
  @Column({ name: 'rotated_from_id', type: 'uuid', nullable: true })
  rotatedFromId!: string | null;

  /** For a rotated-away key: it keeps working until then. */
  @Column({ name: 'grace_ends_at', type: 'timestamptz', nullable: true })
  graceEndsAt!: Date | null;
}
