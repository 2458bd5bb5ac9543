import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../users/user.entity';

/** A user's settings; exactly one per user, created in the transaction that creates the user. */
@Entity('profiles')
@Check('CHK_profiles_preferences_object', `jsonb_typeof("preferences") = 'object'`)
export class Profile {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** IANA time zone name. */
  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone!: string;

  /** BCP 47 language tag, canonical form. */
  @Column({ type: 'varchar', length: 64, default: 'en' })
  locale!: string;

  @Column({ name: 'notify_email_security', type: 'boolean', default: true })
  notifyEmailSecurity!: boolean;

  @Column({ name: 'notify_email_product', type: 'boolean', default: true })
  notifyEmailProduct!: boolean;

  @Column({ name: 'notify_email_marketing', type: 'boolean', default: false })
  notifyEmailMarketing!: boolean;

  /** The client's own settings: a JSON object of at most 16 KiB, replaced as a whole. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  preferences!: Record<string, unknown>;

  /** Storage key of the current avatar (a 256×256 WebP), or null. */
  @Column({ name: 'avatar_key', type: 'varchar', length: 512, nullable: true })
  avatarKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
