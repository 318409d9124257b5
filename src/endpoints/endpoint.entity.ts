import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { BodyFormat } from '../common/body-shape';
import type { AuthTokenScheme } from './endpoint-rules';

export const ENDPOINT_ORDERINGS = ['none', 'fifo'] as const;
export type EndpointOrdering = (typeof ENDPOINT_ORDERINGS)[number];

/**
 * The API-owned columns of `endpoint`, plus the health columns re-enabling resets. The worker
 * owns the rate-limit bucket and writes health columns with its own SQL; the API therefore
 * updates only the columns it changes (never save() of a whole row).
 */
@Entity('endpoint')
export class EndpointEntity {
  @PrimaryColumn('text') id!: string;
  @Column('text', { name: 'app_id' }) appId!: string;
  @Column('text') url!: string;
  @Column('text') description!: string;
  @Column('boolean') disabled!: boolean;
  @Column('text', { name: 'disabled_reason', nullable: true }) disabledReason!: string | null;
  @Column('jsonb') headers!: Record<string, string>;
  @Column('bytea', { name: 'auth_token_enc', nullable: true }) authTokenEnc!: Buffer | null;
  /** 'raw': the token is the whole Authorization value; 'bearer': `Bearer <token>`. */
  @Column('text', { name: 'auth_token_scheme' }) authTokenScheme!: AuthTokenScheme;
  @Column('integer', { name: 'rate_limit', nullable: true }) rateLimit!: number | null;
  @Column('integer', { name: 'retry_schedule', array: true, nullable: true }) retrySchedule!:
    number[] | null;
  @Column('text', { name: 'signature_header', nullable: true }) signatureHeader!: string | null;
  @Column('boolean', { name: 'send_trace_context' }) sendTraceContext!: boolean;
  /** 'fifo': deliveries of one ordering key are sent one at a time, in accepted order. */
  @Column('text') ordering!: EndpointOrdering;
  @Column('jsonb') metadata!: Record<string, unknown>;
  @Column('text', { name: 'body_format' }) bodyFormat!: BodyFormat;
  @Column('text', { name: 'omit_fields', array: true }) omitFields!: string[];
  @Column('jsonb', { name: 'event_type_aliases' }) eventTypeAliases!: Record<string, string>;
  @Column('text', { name: 'event_type_field', nullable: true }) eventTypeField!: string | null;
  @Column('bytea', { name: 'secret_enc' }) secretEnc!: Buffer;
  @Column('bytea', { name: 'previous_secret_enc', nullable: true })
  previousSecretEnc!: Buffer | null;
  @Column('timestamptz', { name: 'previous_secret_expires_at', nullable: true })
  previousSecretExpiresAt!: Date | null;
  @Column('integer', { name: 'consecutive_failures' }) consecutiveFailures!: number;
  @Column('timestamptz', { name: 'failing_since', nullable: true }) failingSince!: Date | null;
  @Column('timestamptz', { name: 'circuit_open_until', nullable: true })
  circuitOpenUntil!: Date | null;
  @Column('timestamptz', { name: 'deleted_at', nullable: true }) deletedAt!: Date | null;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
}
