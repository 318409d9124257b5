import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { RotateSecretDto, SigningSecretDto } from './dto/endpoint.dto';
import { EndpointSecretsService } from './endpoint-secrets.service';

@ApiTags('Endpoints')
@ApiBearerAuth()
@ApiErrors()
@Controller('api/v1/apps/:appId/endpoints/:endpointId/secret')
export class EndpointSecretsController {
  constructor(private readonly secrets: EndpointSecretsService) {}

  @Get()
  @ApiOperation({ summary: "Get the endpoint's current signing secret" })
  @ApiOkResponse({ type: SigningSecretDto })
  get(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
  ): Promise<SigningSecretDto> {
    return this.secrets.current(appId, endpointId);
  }

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret; the previous one keeps signing for 24 hours',
  })
  @ApiOkResponse({ type: SigningSecretDto, description: 'The new current secret.' })
  rotate(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: RotateSecretDto,
  ): Promise<SigningSecretDto> {
    return this.secrets.rotate(appId, endpointId, dto);
  }
}
