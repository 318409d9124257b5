import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('event_type')
export class EventTypeEntity {
  @PrimaryColumn('text')
  name!: string;

  @Column('text')
  description!: string;

  @Column('jsonb', { nullable: true })
  schema!: Record<string, unknown> | null;

  @Column('boolean')
  archived!: boolean;

  /** Example payloads (the test-event route sends the first); valid against `schema`. */
  @Column('jsonb')
  examples!: Record<string, unknown>[];

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
