import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors } from '../../common/openapi/api-errors.decorator';
import { Page, PageQueryDto } from '../../common/pagination';
import { AdminOnly } from '../../common/auth/access.decorators';
import {
  ApiKeyPageDto,
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
} from './api-key.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('API keys')
@ApiErrors()
@AdminOnly()
@Controller('api/v1/apps/:appId/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key limited to one app and some capabilities' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  create(
    @Param('appId') appId: string,
    @Body() dto: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponseDto> {
    return this.keys.create(appId, dto);
  }

  @Get()
  @ApiOperation({ summary: "List the app's API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(
    @Param('appId') appId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<ApiKeyResponseDto>> {
    return this.keys.list(appId, query);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (every process, at once)' })
  @ApiNoContentResponse()
  revoke(@Param('appId') appId: string, @Param('keyId') id: string): Promise<void> {
    return this.keys.revoke(appId, id);
  }
}
