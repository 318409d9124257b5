import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsString,
  MaxLength,
} from 'class-validator';
import { PageResponse } from '../../common/pagination';
import { CAPABILITIES, type Capability } from '../../common/auth/capabilities';
import type { ApiKeyRow } from './api-keys.repository';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'billing-service producer', maxLength: 256 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  name!: string;

  @ApiProperty({ enum: CAPABILITIES, isArray: true, example: ['messages:write'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(CAPABILITIES, {
    each: true,
    message: `each capability must be one of ${CAPABILITIES.join(', ')}`,
  })
  capabilities!: Capability[];
}

export class ApiKeyResponseDto {
  @ApiProperty({ example: 'key_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: Capability[];
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt!: string | null;

  static from(row: ApiKeyRow): ApiKeyResponseDto {
    return {
      id: row.id,
      name: row.name,
      capabilities: row.capabilities,
      createdAt: row.created_at.toISOString(),
      revokedAt: row.revoked_at?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({
    example: 'hk_key_01JD7X5K0Q3R6W8Y9Z0A1B2C3D.q3…',
    description: 'Use as `Authorization: Bearer <key>`. Shown only here: only its hash is kept.',
  })
  key!: string;
}

export class ApiKeyPageDto extends PageResponse(ApiKeyResponseDto, 'ApiKeyPage') {}
