import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsJsonObject } from '../../common/validation/json-object.validator';
import { IsOptionalNotNull } from '../../common/validation/optional-not-null.validator';
import { PageQueryDto, PageResponse } from '../../common/pagination';
import { AppEntity } from '../app.entity';
import { PortalSettingsDto } from './portal-settings.dto';
import {
  IsRetrySchedule,
  RETRY_SCHEDULE_DOC,
  retryScheduleToApi,
} from './retry-schedule.validator';

export const UID_PATTERN = /^(?!app_)[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const UID_RULE =
  'uid must be 1-64 letters, digits, "_", "." or "-", start with a letter or digit, and not start with "app_"';
export const METADATA_MAX_BYTES = 4096;

export class CreateAppDto {
  @ApiProperty({ example: 'Acme Inc.', maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name!: string;

  @ApiPropertyOptional({
    example: 'acme',
    description: 'Your own unique id for this app; usable wherever {appId} is.',
  })
  @IsOptional()
  @IsString()
  @Matches(UID_PATTERN, { message: UID_RULE })
  uid?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { plan: 'pro' } })
  @IsOptionalNotNull()
  @IsJsonObject(METADATA_MAX_BYTES)
  metadata?: Record<string, unknown>;

  @ApiPropertyOptional(RETRY_SCHEDULE_DOC)
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsRetrySchedule()
  retrySchedule?: string[] | null;

  @ApiPropertyOptional({
    type: PortalSettingsDto,
    description:
      'Theming of the customer portal for this app (a PATCH merges; null clears a field).',
  })
  @IsOptionalNotNull()
  @ValidateNested()
  @Type(() => PortalSettingsDto)
  portal?: PortalSettingsDto;
}

/** Every field optional; null only where it clears a value (uid, retrySchedule). */
export class UpdateAppDto extends PartialType(CreateAppDto, { skipNullProperties: false }) {
  @IsOptionalNotNull()
  declare name?: string;

  @ApiPropertyOptional({ nullable: true, description: 'null removes the uid.' })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  @Matches(UID_PATTERN, { message: UID_RULE })
  declare uid?: string;
}

export class AppResponseDto {
  @ApiProperty({ example: 'app_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) uid!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty(RETRY_SCHEDULE_DOC) retrySchedule!: string[] | null;
  @ApiProperty({ type: PortalSettingsDto }) portal!: PortalSettingsDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(entity: AppEntity): AppResponseDto {
    return {
      id: entity.id,
      uid: entity.uid,
      name: entity.name,
      metadata: entity.metadata,
      retrySchedule: retryScheduleToApi(entity.retrySchedule),
      portal: entity.portal,
      createdAt: entity.createdAt.toISOString(),
      updatedAt: entity.updatedAt.toISOString(),
    };
  }
}

/** `GET /apps`: oldest first, optionally narrowed by a search text. */
export class AppQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'acme',
    description: 'Only apps whose name contains this text (any case), or whose id or uid is it.',
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  search?: string;
}

export class AppPageDto extends PageResponse(AppResponseDto, 'AppPage') {}
