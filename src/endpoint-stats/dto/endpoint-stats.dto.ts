import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import type { MinuteStats } from '../endpoint-stats.repository';

export class EndpointStatsQueryDto {
  @ApiPropertyOptional({
    example: '2030-01-01T00:00:00Z',
    description: 'Start (ISO 8601, rounded down to the minute). Default: 24 hours before until.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({
    example: '2030-01-02T00:00:00Z',
    description:
      'End, exclusive (ISO 8601, rounded down to the minute). Default: the end of the current minute. At most 48 hours after since.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export class MinuteStatsDto {
  @ApiProperty({ example: '2030-01-01T00:00:00.000Z', description: 'Start of the minute.' })
  minute!: string;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ description: 'Mean attempt duration in the minute.' }) avgDurationMs!: number;
  @ApiProperty({ description: 'Longest attempt duration in the minute.' }) maxDurationMs!: number;

  static from(m: MinuteStats): MinuteStatsDto {
    const count = m.succeeded + m.failed;
    return {
      minute: m.minute.toISOString(),
      succeeded: m.succeeded,
      failed: m.failed,
      avgDurationMs: count === 0 ? 0 : Math.round(m.durationMsSum / count),
      maxDurationMs: m.durationMsMax,
    };
  }
}

export class EndpointStatsDto {
  @ApiProperty() endpointId!: string;
  @ApiProperty() since!: string;
  @ApiProperty({ description: 'Exclusive.' }) until!: string;
  @ApiProperty({ example: 60 }) bucketSeconds!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({
    type: MinuteStatsDto,
    isArray: true,
    description: 'Only minutes with attempts, oldest first; missing minutes had none.',
  })
  data!: MinuteStatsDto[];
}
