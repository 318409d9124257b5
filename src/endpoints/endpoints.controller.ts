import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { RequiresCapability } from '../common/auth/access.decorators';
import { EndpointScopeParam } from '../auth/access/credential.params';
import type { EndpointScope } from '../auth/credentials/credential';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Page } from '../common/pagination';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import {
  CreateEndpointDto,
  EndpointPageDto,
  EndpointQueryDto,
  EndpointResponseDto,
  UpdateEndpointDto,
} from './dto/endpoint.dto';
import { EndpointsService } from './endpoints.service';

@ApiTags('Endpoints')
@ApiErrors()
@Controller('api/v1/apps/:appId/endpoints')
export class EndpointsController {
  constructor(private readonly endpoints: EndpointsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an endpoint with its first subscription (eventTypes, default ["*"])',
  })
  @ApiCreatedResponse({ type: EndpointResponseDto })
  @RequiresCapability('endpoints:write')
  async create(
    @Param('appId') appId: string,
    @Body() dto: CreateEndpointDto,
  ): Promise<EndpointResponseDto> {
    return this.endpoints.toResponse(await this.endpoints.create(appId, dto));
  }

  @Get()
  @ApiOperation({ summary: "List the app's endpoints, oldest first" })
  @ApiOkResponse({ type: EndpointPageDto })
  @RequiresCapability('endpoints:read', { filtersEndpoints: true })
  list(
    @Param('appId') appId: string,
    @Query() query: EndpointQueryDto,
    @EndpointScopeParam() scope: EndpointScope,
  ): Promise<Page<EndpointResponseDto>> {
    return this.endpoints.list(appId, query, scope);
  }

  @Get(':endpointId')
  @ApiOperation({ summary: 'Get an endpoint' })
  @ApiOkResponse({ type: EndpointResponseDto })
  @RequiresCapability('endpoints:read')
  async get(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
  ): Promise<EndpointResponseDto> {
    return this.endpoints.toResponse(await this.endpoints.get(appId, endpointId));
  }

  @Patch(':endpointId')
  @ApiOperation({
    summary: 'Update an endpoint (disabled: false re-enables it and resets its failure state)',
  })
  @ApiOkResponse({ type: EndpointResponseDto })
  @RequiresCapability('endpoints:write')
  async update(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: UpdateEndpointDto,
  ): Promise<EndpointResponseDto> {
    return this.endpoints.toResponse(await this.endpoints.update(appId, endpointId, dto));
  }

  @Delete(':endpointId')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete an endpoint: its subscriptions go and its pending deliveries are cancelled',
  })
  @ApiNoContentResponse()
  @RequiresCapability('endpoints:write')
  delete(@Param('appId') appId: string, @Param('endpointId') endpointId: string): Promise<void> {
    return this.endpoints.delete(appId, endpointId);
  }
}
