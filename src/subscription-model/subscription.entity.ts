import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('subscription')
export class SubscriptionEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'app_id' })
  appId!: string;

  @Column('text', { name: 'endpoint_id' })
  endpointId!: string;

  @Column('text', { name: 'event_types', array: true })
  eventTypes!: string[];

  /** A validated payload filter (see src/matching/payload-filter.ts). */
  @Column('jsonb', { nullable: true })
  filter!: Record<string, unknown> | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
