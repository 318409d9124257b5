import { Inject, Injectable } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLOCK, type Clock } from '../../common/clock';
import { ConflictError, ValidationError } from '../../common/errors/domain-error';
import { newId } from '../../common/ids';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { EndpointsService } from '../../endpoints/endpoints.service';
import { EventTypesRepository } from '../../event-types/event-types.repository';
import { DeliveryWaker } from '../../messages/delivery-waker';
import { MessagesRepository } from '../../messages/messages.repository';
import { QueueReadsRepository } from '../../queue/queue-reads.repository';
import { TestEventDto, TestEventAcceptedDto, TestEventResultDto } from './dto/endpoint-tools.dto';

/** How often the route looks for the attempt while it waits (real time, not the Clock). */
const POLL_MS = 50;
const RESPONSE_EXCERPT = 1024;

/**
 * Test events: one real delivery to one endpoint, sent by the delivery workers through the one
 * sending path every delivery takes (claim, body shaping, signing, egress and its SSRF guard,
 * retry policy, attempt log). The message is flagged `test`: it is never routed, so no other
 * endpoint gets it, and replay skips it. The route waits for the first attempt for up to the
 * delivery timeout and answers its outcome, else 202. A process with
 * ROLE=api and no worker anywhere therefore always answers 202 (the delivery is sent when a
 * worker runs): the API never sends deliveries itself, so there is a single sender.
 */
@Injectable()
export class EndpointTestService {
  private readonly waitMs: number;

  constructor(
    private readonly endpoints: EndpointsService,
    private readonly eventTypes: EventTypesRepository,
    private readonly messages: MessagesRepository,
    private readonly reads: QueueReadsRepository,
    private readonly waker: DeliveryWaker,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // Exactly the delivery timeout from the request: a send that timed out therefore always
    // answers 202 (its attempt is recorded after the route stopped waiting), never a 200
    // that depends on how fast the worker claimed it.
    this.waitMs = config.DELIVERY_TIMEOUT_MS;
  }

  async send(
    appIdOrUid: string,
    endpointId: string,
    dto: TestEventDto,
  ): Promise<TestEventResultDto | TestEventAcceptedDto> {
    const endpoint = await this.endpoints.get(appIdOrUid, endpointId);
    if (endpoint.disabled)
      throw new ConflictError(
        'endpoint_disabled',
        `endpoint "${endpointId}" is disabled, so nothing would be sent; re-enable it first`,
      );
    const payloadText = JSON.stringify(dto.payload ?? (await this.firstExample(dto.eventType)));
    const now = this.clock.now();
    const messageId = newId('msg', now.getTime());
    const deliveryId = newId('dlv', now.getTime());
    await this.messages.insertTestMessage(
      {
        id: messageId,
        appId: endpoint.appId,
        createdAt: now,
        eventType: dto.eventType,
        eventId: null,
        orderingKey: null,
        traceContext: null,
        payloadText,
      },
      deliveryId,
      endpoint.id,
    );
    this.waker.deliveriesCommitted();
    const deadline = performance.now() + this.waitMs;
    while (performance.now() < deadline) {
      const attempt = await this.reads.firstAttemptOf(messageId, deliveryId);
      if (attempt)
        return {
          messageId,
          deliveryId,
          outcome: {
            succeeded: attempt.succeeded,
            statusCode: attempt.status_code,
            durationMs: attempt.duration_ms,
            errorClass: attempt.error_class,
            responseBody: attempt.response_body?.slice(0, RESPONSE_EXCERPT) ?? null,
          },
        };
      await sleep(POLL_MS);
    }
    return { messageId, deliveryId };
  }

  private async firstExample(eventType: string): Promise<Record<string, unknown>> {
    const type = await this.eventTypes.find(eventType);
    const example = type?.examples[0];
    if (example === undefined) {
      const message = type
        ? `payload is required: event type "${eventType}" has no examples`
        : `payload is required: event type "${eventType}" is not registered, so it has no examples`;
      throw new ValidationError(message, [{ field: 'payload', message }], 'missing_example');
    }
    return example;
  }
}
