import { Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { NotFoundError, ValidationError } from '../common/errors/domain-error';
import { idFloorAt, isId } from '../common/ids';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { QueueReadsRepository } from '../queue/queue-reads.repository';
import { parseEventTypePattern } from '../matching';
import { MessageDetailDto, MessageResponseDto } from './dto/message.dto';
import type { MessageQueryDto } from './dto/message-query.dto';
import { MessagesRepository } from './messages.repository';

/** Largest time a ULID can carry (48 bits of milliseconds). */
const MAX_ID_TIME = 2 ** 48 - 1;

/** The events feed: what an app was sent, newest first, and one message with its deliveries. */
@Injectable()
export class MessageFeedService {
  constructor(
    private readonly apps: AppsService,
    private readonly messages: MessagesRepository,
    private readonly reads: QueueReadsRepository,
  ) {}

  async list(appIdOrUid: string, query: MessageQueryDto): Promise<Page<MessageResponseDto>> {
    const app = await this.apps.get(appIdOrUid);
    const limit = pageLimit(query);
    const cursor = decodeCursor(query.cursor, (key) => isId('msg', key));
    // Ids are ULIDs carrying their creation millisecond, so time bounds are id bounds.
    const before =
      query.before === undefined ? undefined : idFloorAt('msg', timeOf(query.before, 'before'));
    const after =
      query.after === undefined
        ? undefined
        : idFloorAt('msg', Math.min(timeOf(query.after, 'after') + 1, MAX_ID_TIME));
    const upper = [cursor, before].filter((id): id is string => id !== undefined).sort()[0];
    const pattern = query.eventType === undefined ? null : parseEventTypePattern(query.eventType);
    const withPayload = query.withPayload ?? false;
    const rows = await this.messages.list({
      appId: app.id,
      limit,
      eventType: pattern === null || pattern.kind === 'all' ? undefined : pattern,
      eventId: query.eventId,
      idBelow: upper,
      idAtLeast: after,
      withPayload,
    });
    return toPage(
      rows,
      limit,
      (m) => m.id,
      (m) => MessageResponseDto.withPayload(m, withPayload),
    );
  }

  async get(appIdOrUid: string, messageId: string): Promise<MessageDetailDto> {
    const app = await this.apps.get(appIdOrUid);
    const message = isId('msg', messageId) ? await this.messages.find(app.id, messageId) : null;
    if (!message) throw new NotFoundError('message', messageId);
    return MessageDetailDto.fromParts(message, await this.reads.deliveryStatusesOf(message.id));
  }
}

function timeOf(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_ID_TIME) {
    const message = `${field} must be an ISO 8601 time between 1970 and 10889`;
    throw new ValidationError(message, [{ field, message }]);
  }
  return ms;
}
