import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ApiKey } from './api-key.entity';

/** Requests counted per key and UTC day (flushed in batches from memory). */
@Entity('api_key_usage')
@Index('IDX_api_key_usage_org_day', ['organizationId', 'day'])
export class ApiKeyUsage {
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid' })
  apiKeyId!: string;

  @ManyToOne(() => ApiKey, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'api_key_id' })
  apiKey?: ApiKey;

  @PrimaryColumn({ type: 'date' })
  day!: string;

  /** Denormalized so the monthly quota sums one index range. */
  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'bigint', default: 0 })
  requests!: string;
}
