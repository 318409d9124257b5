import { ApiProperty } from '@nestjs/swagger';
import { CAPABILITIES, type Capability } from '../../common/auth/capabilities';

export class PortalAppDisplayDto {
  @ApiProperty({ example: 'app_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) id!: string;
  @ApiProperty({ description: "The app's portal displayName, else its name." }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: '#3355ff' }) primaryColor!: string | null;
  @ApiProperty({ type: String, nullable: true }) logoUrl!: string | null;
}

export class PortalSessionInfoDto {
  @ApiProperty({ example: 'ps_01JD7X5K0Q3R6W8Y9Z0A1B2C3D' }) sessionId!: string;
  @ApiProperty({ type: PortalAppDisplayDto }) app!: PortalAppDisplayDto;
  @ApiProperty({ enum: CAPABILITIES, isArray: true }) capabilities!: Capability[];
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'null: every endpoint of the app; else only these.',
  })
  endpointIds!: string[] | null;
  @ApiProperty() expiresAt!: string;
}
