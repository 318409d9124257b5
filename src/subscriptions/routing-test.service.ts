import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../apps/apps.service';
import { PayloadTooLargeError } from '../common/errors/domain-error';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { AppRoutingCache } from '../routing/app-routing.cache';
import { RoutingTestDto, RoutingTestResultDto } from './dto/subscription.dto';

/** Answers "who would receive this?" with the same routing table ingestion uses. */
@Injectable()
export class RoutingTestService {
  constructor(
    private readonly apps: AppsService,
    private readonly routing: AppRoutingCache,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async explain(appIdOrUid: string, dto: RoutingTestDto): Promise<RoutingTestResultDto> {
    if (Buffer.byteLength(JSON.stringify(dto.payload)) > this.config.MAX_PAYLOAD_BYTES) {
      throw new PayloadTooLargeError(
        `payload must be at most ${this.config.MAX_PAYLOAD_BYTES} bytes`,
      );
    }
    const app = await this.apps.get(appIdOrUid);
    const matcher = await this.routing.matcherFor(app.id);
    return {
      eventType: dto.eventType,
      endpoints: matcher.matchDetailed(dto.eventType, dto.payload),
    };
  }
}
