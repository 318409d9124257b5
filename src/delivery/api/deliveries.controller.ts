import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { RequiresCapability } from '../../common/auth/access.decorators';
import { EndpointScopeParam } from '../../auth/access/credential.params';
import type { EndpointScope } from '../../auth/credentials/credential';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto, ApiErrors } from '../../common/openapi/api-errors.decorator';
import { Page, PageQueryDto } from '../../common/pagination';
import { NoBodyDto } from '../../common/validation/no-body.dto';
import { DeliveriesService } from './deliveries.service';
import {
  AttemptPageDto,
  AttemptPageQueryDto,
  AttemptResponseDto,
  DeliveryPageDto,
  DeliveryResponseDto,
  RecoverDto,
  RecoverResponseDto,
} from './dto/delivery.dto';

@ApiTags('Deliveries')
@ApiErrors()
@Controller('api/v1/apps/:appId')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('messages/:messageId/deliveries')
  @ApiOperation({ summary: "A message's deliveries, one per endpoint, with their state" })
  @ApiOkResponse({ type: DeliveryPageDto })
  @RequiresCapability('deliveries:read', { filtersEndpoints: true })
  listDeliveries(
    @Param('appId') appId: string,
    @Param('messageId') messageId: string,
    @Query() query: PageQueryDto,
    @EndpointScopeParam() scope: EndpointScope,
  ): Promise<Page<DeliveryResponseDto>> {
    return this.deliveries.listForMessage(appId, messageId, query, scope);
  }

  @Get('messages/:messageId/attempts')
  @ApiOperation({ summary: 'Every attempt to deliver a message, newest first' })
  @ApiOkResponse({ type: AttemptPageDto })
  @RequiresCapability('deliveries:read', { filtersEndpoints: true })
  listMessageAttempts(
    @Param('appId') appId: string,
    @Param('messageId') messageId: string,
    @Query() query: PageQueryDto,
    @EndpointScopeParam() scope: EndpointScope,
  ): Promise<Page<AttemptResponseDto>> {
    return this.deliveries.attemptsForMessage(appId, messageId, query, scope);
  }

  @Get('endpoints/:endpointId/attempts')
  @ApiOperation({
    summary: "An endpoint's attempts, newest first, optionally only failed or succeeded ones",
  })
  @ApiOkResponse({ type: AttemptPageDto })
  @RequiresCapability('deliveries:read')
  listEndpointAttempts(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Query() query: AttemptPageQueryDto,
  ): Promise<Page<AttemptResponseDto>> {
    return this.deliveries.attemptsForEndpoint(appId, endpointId, query);
  }

  @Post('deliveries/:deliveryId/retry')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Send a delivery again now (also after it succeeded or failed), with a fresh retry window',
    description:
      'On a FIFO endpoint (`ordering: "fifo"`) a delivery that had finished goes to the end of its ordering key\'s queue: ' +
      'it is sent after every delivery of that key accepted before this request, one at a time like them. ' +
      'A pending one keeps its place: sent now if it is next in its key, else when its turn comes.',
  })
  @ApiAcceptedResponse({ description: 'Queued; a worker sends it at once.' })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description:
      'Being sent right now (`delivery_in_flight`), cancelled (`delivery_cancelled`), or its endpoint is disabled (`endpoint_disabled`).',
  })
  @RequiresCapability('deliveries:retry', { filtersEndpoints: true })
  retry(
    @Param('appId') appId: string,
    @Param('deliveryId') deliveryId: string,
    @Body() _body: NoBodyDto,
    @EndpointScopeParam() scope: EndpointScope,
  ): Promise<void> {
    return this.deliveries.retry(appId, deliveryId, scope);
  }

  @Post('endpoints/:endpointId/recover')
  @HttpCode(202)
  @ApiOperation({
    summary:
      "Re-queue an endpoint's failed deliveries created since a time, each with a fresh retry window",
    description:
      "On a FIFO endpoint the re-queued deliveries go to the end of their ordering keys' queues, in their original order " +
      '(after every delivery of the key accepted before this request).',
  })
  @ApiAcceptedResponse({ type: RecoverResponseDto })
  @ApiConflictResponse({
    type: ErrorResponseDto,
    description: 'The endpoint is disabled (`endpoint_disabled`): re-enable it first.',
  })
  @RequiresCapability('deliveries:retry')
  async recover(
    @Param('appId') appId: string,
    @Param('endpointId') endpointId: string,
    @Body() dto: RecoverDto,
  ): Promise<RecoverResponseDto> {
    return { requeued: await this.deliveries.recover(appId, endpointId, new Date(dto.since)) };
  }
}
