import { ApiProperty } from '@nestjs/swagger';
import { PageResponse } from '../../common/pagination';
import type { TroubledEndpointRow } from '../troubled-endpoints.repository';

export class QueueOverviewDto {
  @ApiProperty({ description: 'Pending deliveries due now (waiting for a worker).' }) due!: number;
  @ApiProperty({ description: 'Pending deliveries scheduled for later (retries).' })
  scheduled!: number;
  @ApiProperty({ description: 'Deliveries being sent right now.' }) delivering!: number;
  @ApiProperty({ description: 'How long the most overdue due delivery has waited, in seconds.' })
  oldestDueAgeSeconds!: number;
}

export class AttemptRatesDto {
  @ApiProperty({ description: 'Window length in seconds.' }) windowSeconds!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'Attempts per second over the window.' }) perSecond!: number;
  @ApiProperty({ description: 'failed / (succeeded + failed); 0 without attempts.' })
  failureRate!: number;
}

export class OverviewDto {
  @ApiProperty({ type: QueueOverviewDto }) queue!: QueueOverviewDto;
  @ApiProperty({ type: AttemptRatesDto, description: 'Delivery attempts over the last 5 minutes.' })
  lastFiveMinutes!: AttemptRatesDto;
  @ApiProperty({ type: AttemptRatesDto, description: 'Delivery attempts over the last hour.' })
  lastHour!: AttemptRatesDto;
  @ApiProperty() openCircuits!: number;
  @ApiProperty() disabledEndpoints!: number;
  @ApiProperty() generatedAt!: string;
}

export class TroubledEndpointDto {
  @ApiProperty() id!: string;
  @ApiProperty() appId!: string;
  @ApiProperty() url!: string;
  @ApiProperty() description!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ type: String, nullable: true }) disabledReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) circuitOpenUntil!: string | null;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ type: String, nullable: true }) failingSince!: string | null;

  static from(row: TroubledEndpointRow): TroubledEndpointDto {
    return {
      id: row.id,
      appId: row.appId,
      url: row.url,
      description: row.description,
      disabled: row.disabled,
      disabledReason: row.disabledReason,
      circuitOpenUntil: row.circuitOpenUntil?.toISOString() ?? null,
      consecutiveFailures: row.consecutiveFailures,
      failingSince: row.failingSince?.toISOString() ?? null,
    };
  }
}

export class TroubledEndpointPageDto extends PageResponse(
  TroubledEndpointDto,
  'TroubledEndpointPage',
) {}
