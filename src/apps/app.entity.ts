import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { PortalSettings } from './dto/portal-settings.dto';

@Entity('app')
export class AppEntity {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { nullable: true })
  uid!: string | null;

  @Column('text')
  name!: string;

  @Column('jsonb')
  metadata!: Record<string, unknown>;

  @Column('integer', { name: 'retry_schedule', array: true, nullable: true })
  retrySchedule!: number[] | null;

  /** The customer portal's theming. */
  @Column('jsonb')
  portal!: PortalSettings;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
