import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
} from 'class-validator';
import {
  CAPABILITIES,
  type Capability,
  PORTAL_DEFAULT_CAPABILITIES,
} from '../../common/auth/capabilities';

export const PORTAL_SESSION_DEFAULT_TTL_SECONDS = 3600;
export const PORTAL_SESSION_MAX_TTL_SECONDS = 86_400;

export class CreatePortalSessionDto {
  @ApiPropertyOptional({
    enum: CAPABILITIES,
    isArray: true,
    description: `What the customer may do. Default: ${PORTAL_DEFAULT_CAPABILITIES.join(', ')}.`,
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(CAPABILITIES, {
    each: true,
    message: `each capability must be one of ${CAPABILITIES.join(', ')}`,
  })
  capabilities?: Capability[];

  @ApiPropertyOptional({
    minimum: 60,
    maximum: PORTAL_SESSION_MAX_TTL_SECONDS,
    default: PORTAL_SESSION_DEFAULT_TTL_SECONDS,
    description: 'Lifetime of the token in seconds (default 1 hour, at most 24 hours).',
  })
  @IsOptional()
  @IsInt()
  @Min(60)
  @Max(PORTAL_SESSION_MAX_TTL_SECONDS)
  ttlSeconds?: number;

  @ApiPropertyOptional({
    type: [String],
    description:
      "Limit the session to these endpoints of the app (they must exist). Omitted: all the app's endpoints, and the customer may add new ones.",
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  endpointIds?: string[];
}

export class PortalSessionResponseDto {
  @ApiProperty({ example: 'ps_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty({ description: 'Bearer token for the portal (a JWT). Shown only here.' })
  token!: string;
  @ApiProperty({
    example: 'https://hooks.example.com/portal#token=eyJ…',
    description:
      'Open this (e.g. in an iframe); the token travels in the fragment, never to a server log.',
  })
  url!: string;
  @ApiProperty() expiresAt!: string;
}
