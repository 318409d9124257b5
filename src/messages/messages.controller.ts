import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { RequiresCapability } from '../common/auth/access.decorators';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { ApiErrors, ErrorResponseDto } from '../common/openapi/api-errors.decorator';
import { Page } from '../common/pagination';
import { JsonBodyText, KEEP_JSON_BODY_TEXT } from '../common/validation/json-body-text';
import { IngestTrace, TRACE_INGEST } from '../tracing/ingest-request-tracing';
import type { IngestSpan } from '../tracing/tracing';
import { MessageQueryDto } from './dto/message-query.dto';
import {
  CreateMessageBatchDto,
  CreateMessageDto,
  MessageAcceptedDto,
  MessageBatchAcceptedDto,
  MessageDetailDto,
  MessagePageDto,
  MessageResponseDto,
} from './dto/message.dto';
import { MessageFeedService } from './message-feed.service';
import { MessageIngestService } from './message-ingest.service';

/** W3C Trace Context: the producer's span becomes the parent of the ingest span (tracing on). */
const TRACEPARENT = {
  name: 'traceparent',
  required: false,
  description:
    "W3C Trace Context of the producer's request: with tracing on, the ingest span and every delivery attempt of these messages join this trace.",
};

const TOO_LARGE = {
  status: 413,
  description: 'A payload is over MAX_PAYLOAD_BYTES, or the body over MAX_REQUEST_BYTES',
  type: ErrorResponseDto,
};

/**
 * Bodies are `unknown` on purpose: MessageIngestService validates them (faster than the global
 * pipe), and takes each payload's text from the body text (delivered exactly as sent).
 */
@ApiTags('Messages')
@ApiErrors()
@Controller('api/v1/apps/:appId/messages')
export class MessagesController {
  constructor(
    private readonly ingest: MessageIngestService,
    private readonly feed: MessageFeedService,
  ) {}

  @Post()
  @RouteConfig({ ...KEEP_JSON_BODY_TEXT, ...TRACE_INGEST })
  @ApiOperation({
    summary: 'Send a message: stored with one delivery per matching endpoint before the answer',
  })
  @ApiBody({ type: CreateMessageDto })
  @ApiHeader(TRACEPARENT)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same as eventId (422 when both are given and differ).',
  })
  @ApiAcceptedResponse({
    type: MessageAcceptedDto,
    description: 'Accepted: stored, deliveries queued',
  })
  @ApiOkResponse({
    type: MessageAcceptedDto,
    description: 'A repeat of a stored eventId: the original message; nothing created',
  })
  @ApiResponse(TOO_LARGE)
  @RequiresCapability('messages:write')
  async create(
    @Param('appId') appId: string,
    @Body() body: unknown,
    @JsonBodyText() bodyText: string | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @IngestTrace() trace: IngestSpan | null,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const message = await this.ingest.ingestOne(appId, body, key, bodyText, trace);
    void reply.status(message.duplicate ? 200 : 202).send(MessageAcceptedDto.from(message));
  }

  @Post('batch')
  @RouteConfig({ ...KEEP_JSON_BODY_TEXT, ...TRACE_INGEST })
  @HttpCode(202)
  @ApiOperation({ summary: 'Send 1 to 1,000 messages, all or nothing' })
  @ApiBody({ type: CreateMessageBatchDto })
  @ApiHeader(TRACEPARENT)
  @ApiAcceptedResponse({
    type: MessageBatchAcceptedDto,
    description: 'All stored (repeated eventIds answer their original, duplicate: true)',
  })
  @ApiResponse(TOO_LARGE)
  @RequiresCapability('messages:write')
  async createBatch(
    @Param('appId') appId: string,
    @Body() body: unknown,
    @JsonBodyText() bodyText: string | undefined,
    @Headers('idempotency-key') key: string | undefined,
    @IngestTrace() trace: IngestSpan | null,
  ): Promise<MessageBatchAcceptedDto> {
    return {
      data: (await this.ingest.ingestBatch(appId, body, key, bodyText, trace)).map((m) => ({
        ...MessageAcceptedDto.from(m),
        duplicate: m.duplicate,
      })),
    };
  }

  @Get()
  @ApiOperation({ summary: 'The events feed: messages of the app, newest first' })
  @ApiOkResponse({ type: MessagePageDto })
  @RequiresCapability('messages:read')
  list(
    @Param('appId') appId: string,
    @Query() query: MessageQueryDto,
  ): Promise<Page<MessageResponseDto>> {
    return this.feed.list(appId, query);
  }

  @Get(':messageId')
  @ApiOperation({
    summary: 'A message with its payload and the status of its delivery to each endpoint',
  })
  @ApiOkResponse({ type: MessageDetailDto })
  @RequiresCapability('messages:read')
  get(
    @Param('appId') appId: string,
    @Param('messageId') messageId: string,
  ): Promise<MessageDetailDto> {
    return this.feed.get(appId, messageId);
  }
}
