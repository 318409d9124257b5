import { Controller, Get, Headers, Res, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../../common/auth/public.decorator';
import { ErrorResponseDto } from '../../common/openapi/api-errors.decorator';
import { ClientRateLimitGuard, OUTBOUND_IPS_REQUESTS_PER_MINUTE } from './client-rate-limit.guard';
import { OutboundIpsResponseDto } from './outbound-ips.dto';
import { OUTBOUND_IPS_MAX_AGE_SECONDS, OutboundIpsService } from './outbound-ips.service';

@ApiTags('Egress')
@Public()
@Controller('api/v1/outbound-ips')
export class OutboundIpsController {
  constructor(private readonly outboundIps: OutboundIpsService) {}

  @Get()
  @UseGuards(ClientRateLimitGuard)
  @ApiOperation({
    summary: 'The addresses webhooks are sent from (public, no API key)',
    description:
      'For receivers to allowlist. Cacheable for an hour; poll with If-None-Match. ' +
      `Limited to ${OUTBOUND_IPS_REQUESTS_PER_MINUTE} requests per minute per client IP.`,
  })
  @ApiHeader({
    name: 'If-None-Match',
    required: false,
    description: 'An ETag from a previous answer',
  })
  @ApiOkResponse({
    type: OutboundIpsResponseDto,
    headers: {
      ETag: { description: 'Depends only on the list', schema: { type: 'string' } },
      'Cache-Control': { schema: { type: 'string', example: 'public, max-age=3600' } },
    },
  })
  @ApiResponse({ status: 304, description: 'The list has not changed since that ETag' })
  @ApiResponse({
    status: 429,
    description: 'Too many requests; see Retry-After',
    type: ErrorResponseDto,
  })
  get(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): void {
    const answer = this.outboundIps.answer(ifNoneMatch);
    void reply
      .header('etag', answer.etag)
      .header('cache-control', `public, max-age=${OUTBOUND_IPS_MAX_AGE_SECONDS}`)
      .status(answer.notModified ? 304 : 200)
      .send(answer.notModified ? undefined : answer.body);
  }
}
