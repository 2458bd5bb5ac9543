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

/** Links an external provider's account (provider + subject) to one of our users. */
@Entity('user_identities')
@Index('UQ_user_identities_provider_subject', ['provider', 'subject'], { unique: true })
@Index('IDX_user_identities_user', ['userId'])
export class UserIdentity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** `google`, `github`, or a configured OIDC provider's id. */
  @Column({ type: 'varchar', length: 64 })
  provider!: string;

  /** The provider's stable account id (`sub`, or GitHub's numeric id). */
  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  /** The email the provider reported at the last sign-in (informational). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
