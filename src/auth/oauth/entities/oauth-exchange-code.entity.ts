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
 * The one-time code the social sign-in callback hands the front end (60 s, digest only),
 * which POST /oauth/exchange turns into tokens: tokens never travel in a URL.
 */
@Entity('oauth_exchange_codes')
@Index('IDX_oauth_exchange_codes_user', ['userId'])
export class OAuthExchangeCode {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Index('UQ_oauth_exchange_codes_digest', { unique: true })
  @Column({ name: 'code_digest', type: 'bytea' })
  codeDigest!: Buffer;

  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  @Column({ name: 'remember_me', type: 'boolean', default: false })
  rememberMe!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;
}
