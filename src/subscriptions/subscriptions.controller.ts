import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { RequiresCapability } from '../common/auth/access.decorators';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Page, PageQueryDto } from '../common/pagination';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import {
  CreateSubscriptionDto,
  SubscriptionPageDto,
  SubscriptionResponseDto,
  UpdateSubscriptionDto,
} from './dto/subscription.dto';
import { SubscriptionsService } from './subscriptions.service';

@ApiTags('Subscriptions')
@ApiErrors()
@Controller('api/v1/apps/:appId/endpoints/:endpointId/subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @ApiOperation({
    summary: 'Subscribe the endpoint to event types, optionally filtered by payload',
  })
  @ApiCreatedResponse({ type: SubscriptionResponseDto })
  @RequiresCapability('endpoints:write')
  async create(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: CreateSubscriptionDto,
  ): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(await this.subscriptions.create(appId, endpointId, dto));
  }

  @Get()
  @ApiOperation({ summary: "List the endpoint's subscriptions, oldest first" })
  @ApiOkResponse({ type: SubscriptionPageDto })
  @RequiresCapability('endpoints:read')
  list(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Query() query: PageQueryDto,
  ): Promise<Page<SubscriptionResponseDto>> {
    return this.subscriptions.list(appId, endpointId, query);
  }

  @Get(':subscriptionId')
  @ApiOperation({ summary: 'Get a subscription' })
  @ApiOkResponse({ type: SubscriptionResponseDto })
  @RequiresCapability('endpoints:read')
  async get(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Param('subscriptionId') id: string,
  ): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(await this.subscriptions.get(appId, endpointId, id));
  }

  @Patch(':subscriptionId')
  @ApiOperation({
    summary: "Update a subscription's event types or filter (filter: null removes it)",
  })
  @ApiOkResponse({ type: SubscriptionResponseDto })
  @RequiresCapability('endpoints:write')
  async update(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Param('subscriptionId') id: string,
    @Body() dto: UpdateSubscriptionDto,
  ): Promise<SubscriptionResponseDto> {
    return SubscriptionResponseDto.from(
      await this.subscriptions.update(appId, endpointId, id, dto),
    );
  }

  @Delete(':subscriptionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiNoContentResponse()
  @RequiresCapability('endpoints:write')
  delete(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Param('subscriptionId') id: string,
  ): Promise<void> {
    return this.subscriptions.delete(appId, endpointId, id);
  }
}
