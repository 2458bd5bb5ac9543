import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../users/user.entity';

export type EmailTokenPurpose = 'verify_email' | 'reset_password';

/** A single-use token sent by email; only its SHA-256 digest is stored. */
@Entity('email_tokens')
@Index('IDX_email_tokens_user_purpose', ['userId', 'purpose'])
export class EmailToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 32 })
  purpose!: EmailTokenPurpose;

  @Index('UQ_email_tokens_digest', { unique: true })
  @Column({ name: 'token_digest', type: 'bytea' })
  tokenDigest!: Buffer;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Set when used, or when a newer token of the same purpose replaced it. */
  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt!: Date | null;
}
