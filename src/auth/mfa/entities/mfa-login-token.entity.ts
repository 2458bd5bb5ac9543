import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../../users/user.entity';

/**
 * The half-finished sign-in between a correct password and the 2FA code: an opaque,
 * short-lived, single-use token (digest only), bound to its user and the login's rememberMe.
 */
@Entity('mfa_login_tokens')
@Index('IDX_mfa_login_tokens_user', ['userId'])
export class MfaLoginToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Index('UQ_mfa_login_tokens_digest', { unique: true })
  @Column({ name: 'token_digest', type: 'bytea' })
  tokenDigest!: Buffer;

  @Column({ name: 'remember_me', type: 'boolean', default: false })
  rememberMe!: boolean;

  /** How the first factor was proven (`password`, `oauth:<provider>`), for the audit trail. */
  @Column({ type: 'varchar', length: 80 })
  method!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;
}
