import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { FOREIGN_KEY_VIOLATION, isPgError } from '../common/database-errors';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { METRICS_RECORDER, type MetricsRecorder } from '../common/metrics-port';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { IngestSpan } from '../tracing/tracing';
import { AppRoutingCache } from '../routing/app-routing.cache';
import { AppIdResolver } from './app-id.resolver';
import { DeliveryWaker } from './delivery-waker';
import { EventTypeCatalogCache } from './event-type-catalog.cache';
import {
  INGEST_COALESCING,
  MessageIngestCoalescer,
  type IngestCoalescingOptions,
} from './message-ingest-coalescer';
import { MessageInputParser, type PreparedMessage } from './message-input';
import {
  MessagesRepository,
  type IngestResult,
  type NewDeliveryRow,
  type NewMessageRow,
  type StoredMessage,
} from './messages.repository';

export interface IngestedMessage extends StoredMessage {
  /** The eventId was already stored (or repeated earlier in the batch): nothing new was created. */
  duplicate: boolean;
}

/** What each submitted message became before the database answered. */
type Plan = { row: NewMessageRow } | { repeatOf: number };

/** Stores the planned rows in one transaction. */
type RowsWrite = (rows: NewMessageRow[], deliveries: NewDeliveryRow[]) => Promise<IngestResult>;

/**
 * Accepts messages: validation, catalog checks, fan-out to the matching endpoints and the
 * transactional write of messages + deliveries in one statement, then the worker wake-up. In the common
 * case (app, catalog and routing cached) a request costs exactly one database round trip.
 * Single messages share that statement with concurrent ones (MessageIngestCoalescer, group
 * commit); a batch is a statement of its own, all or nothing.
 */
@Injectable()
export class MessageIngestService implements OnModuleDestroy {
  private readonly parser: MessageInputParser;
  private readonly coalescer: MessageIngestCoalescer;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly apps: AppIdResolver,
    private readonly catalog: EventTypeCatalogCache,
    private readonly routing: AppRoutingCache,
    private readonly messages: MessagesRepository,
    @Inject(METRICS_RECORDER) private readonly metrics: MetricsRecorder,
    private readonly waker: DeliveryWaker,
    @Inject(INGEST_COALESCING) coalescing: IngestCoalescingOptions,
  ) {
    this.parser = new MessageInputParser(config.MAX_PAYLOAD_BYTES);
    this.coalescer = new MessageIngestCoalescer(messages, coalescing);
  }

  /** Single messages waiting for a free statement slot (tests and diagnostics). */
  queuedMessages(): number {
    return this.coalescer.queued;
  }

  /** Runs before the pool closes: queued and in-flight messages are written and answered. */
  onModuleDestroy(): Promise<void> {
    return this.coalescer.drain();
  }

  /**
   * One message, `{ eventType, payload, eventId? }` as sent by a producer (validated here);
   * `bodyText` is the JSON text it was parsed from, whose payload text is stored as sent.
   * In-process producers (e.g. operational events) call this too, without body text.
   */
  async ingestOne(
    appIdOrUid: string,
    body: unknown,
    idempotencyKey?: string,
    bodyText?: string,
    trace: IngestSpan | null = null,
  ): Promise<IngestedMessage> {
    const write: RowsWrite = ([message], deliveries) =>
      this.coalescer.submit({ message, deliveries });
    const [message] = await this.ingest(
      appIdOrUid,
      [this.parser.parseOne(body, idempotencyKey, bodyText)],
      () => '',
      write,
      trace,
    );
    return message;
  }

  /**
   * `{ messages: [...] }`, all or nothing; the answer has one entry per message, in order. An
   * Idempotency-Key header is refused (each message takes its own eventId).
   */
  ingestBatch(
    appIdOrUid: string,
    body: unknown,
    idempotencyKey?: string,
    bodyText?: string,
    trace: IngestSpan | null = null,
  ): Promise<IngestedMessage[]> {
    return this.ingest(
      appIdOrUid,
      this.parser.parseBatch(body, idempotencyKey, bodyText),
      (index) => `messages[${index}].`,
      (rows, deliveries) => this.messages.ingest(rows, deliveries),
      trace,
    );
  }

  private async ingest(
    appIdOrUid: string,
    messages: PreparedMessage[],
    fieldPrefix: (index: number) => string,
    write: RowsWrite,
    trace: IngestSpan | null,
  ): Promise<IngestedMessage[]> {
    const appId = await this.apps.resolve(appIdOrUid);
    const [matcher] = await Promise.all([
      this.routing.matcherFor(appId),
      this.catalog.check(messages, fieldPrefix),
    ]);
    const now = this.clock.now();
    const at = now.getTime();
    // The ingest span's context, stored with each message: its attempts' spans join the trace.
    const traceContext = trace === null ? null : trace.traceparent;
    const rows: NewMessageRow[] = [];
    const deliveries: NewDeliveryRow[] = [];
    const firstIndexOf = new Map<string, number>();
    const plans = messages.map((message, index): Plan => {
      if (message.eventId !== null) {
        const first = firstIndexOf.get(message.eventId);
        if (first !== undefined) return { repeatOf: first };
        firstIndexOf.set(message.eventId, index);
      }
      const row: NewMessageRow = {
        id: newId('msg', at),
        appId,
        createdAt: now,
        eventType: message.eventType,
        eventId: message.eventId,
        orderingKey: message.orderingKey,
        payloadText: message.payloadText,
        traceContext,
      };
      rows.push(row);
      for (const { endpointId, ordered } of matcher.match(message.eventType, message.payload)) {
        deliveries.push({ id: newId('dlv', at), messageId: row.id, endpointId, ordered });
      }
      return { row };
    });

    const result = await this.stored(appIdOrUid, appId, write(rows, deliveries));
    this.metrics.messagesIngested.inc(result.insertedIds.size);
    this.metrics.deliveriesCreated.inc(result.deliveriesCreated);
    if (result.deliveriesCreated > 0) this.waker.deliveriesCommitted();

    const skipped = rows.filter((row) => !result.insertedIds.has(row.id));
    const existing = new Map<string, StoredMessage>();
    if (skipped.length > 0) {
      for (const message of await this.messages.findByEventIds(
        appId,
        skipped.map((row) => row.eventId as string),
      )) {
        existing.set(message.eventId as string, message);
      }
    }
    const answers: IngestedMessage[] = [];
    for (const plan of plans) {
      if ('repeatOf' in plan) {
        answers.push({ ...answers[plan.repeatOf], duplicate: true });
      } else if (result.insertedIds.has(plan.row.id)) {
        answers.push({
          id: plan.row.id,
          eventType: plan.row.eventType,
          eventId: plan.row.eventId,
          orderingKey: plan.row.orderingKey,
          createdAt: now,
          duplicate: false,
        });
      } else {
        answers.push({ ...this.original(existing, plan.row.eventId as string), duplicate: true });
      }
    }
    trace?.annotate({ appId, messages: answers, deliveriesCreated: result.deliveriesCreated });
    return answers;
  }

  private async stored(
    appIdOrUid: string,
    appId: string,
    written: Promise<IngestResult>,
  ): Promise<IngestResult> {
    try {
      return await written;
    } catch (err) {
      // message.app_id is the statement's only foreign key that can fail: the app is gone.
      if (isPgError(err, FOREIGN_KEY_VIOLATION)) {
        this.apps.forget(appIdOrUid);
        this.routing.invalidate(appId);
        throw new NotFoundError('app', appIdOrUid);
      }
      throw err;
    }
  }

  private original(existing: Map<string, StoredMessage>, eventId: string): StoredMessage {
    const message = existing.get(eventId);
    // Conflicted on insert, gone on read: removed (retention, app deletion) in between.
    if (!message)
      throw new ConflictError(
        'idempotency_conflict',
        `the message with eventId "${eventId}" changed while this request ran; retry`,
      );
    return message;
  }
}
