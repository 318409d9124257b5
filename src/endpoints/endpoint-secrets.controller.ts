import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { RequiresCapability } from '../common/auth/access.decorators';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { RotateSecretDto, SigningSecretDto } from './dto/endpoint.dto';
import { EndpointSecretsService } from './endpoint-secrets.service';

/** Both routes answer a secret, so neither may be kept by a cache on the way (no-store). */
@ApiTags('Endpoints')
@ApiErrors()
@Controller('api/v1/apps/:appId/endpoints/:endpointId/secret')
export class EndpointSecretsController {
  constructor(private readonly secrets: EndpointSecretsService) {}

  @Get()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "Get the endpoint's current signing secret" })
  @ApiOkResponse({ type: SigningSecretDto })
  @RequiresCapability('secrets:read')
  get(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
  ): Promise<SigningSecretDto> {
    return this.secrets.current(appId, endpointId);
  }

  @Post('rotate')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Rotate the signing secret; the previous one keeps signing for 24 hours',
  })
  @ApiOkResponse({ type: SigningSecretDto, description: 'The new current secret.' })
  @RequiresCapability('secrets:rotate')
  rotate(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: RotateSecretDto,
  ): Promise<SigningSecretDto> {
    return this.secrets.rotate(appId, endpointId, dto);
  }
}
