import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock';
import { isPgError, UNIQUE_VIOLATION } from '../common/database-errors';
import { ConflictError, NotFoundError } from '../common/errors/domain-error';
import { isId, newId } from '../common/ids';
import { decodeCursor, Page, pageLimit, toPage } from '../common/pagination';
import { AppEntity } from './app.entity';
import { AppsRepository } from './apps.repository';
import { AppQueryDto, AppResponseDto, CreateAppDto, UpdateAppDto } from './dto/app.dto';
import { mergePortalSettings } from './dto/portal-settings.dto';
import { retryScheduleToSeconds } from './dto/retry-schedule.validator';

@Injectable()
export class AppsService {
  constructor(
    private readonly apps: AppsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(dto: CreateAppDto): Promise<AppEntity> {
    const now = this.clock.now();
    const app: AppEntity = {
      id: newId('app', now.getTime()),
      uid: dto.uid ?? null,
      name: dto.name,
      metadata: dto.metadata ?? {},
      retrySchedule: retryScheduleToSeconds(dto.retrySchedule) ?? null,
      portal: mergePortalSettings({}, dto.portal ?? {}),
      createdAt: now,
      updatedAt: now,
    };
    return this.uniqueUid(dto.uid, () => this.apps.insert(app));
  }

  async list(query: AppQueryDto): Promise<Page<AppResponseDto>> {
    const limit = pageLimit(query);
    const rows = await this.apps.list(
      limit,
      decodeCursor(query.cursor, (k) => isId('app', k)),
      query.search,
    );
    return toPage(rows, limit, (a) => a.id, AppResponseDto.from);
  }

  /** Resolves `{appId}` (id or uid) or answers 404: every app-scoped route starts here. */
  async get(idOrUid: string): Promise<AppEntity> {
    const app = await this.apps.findByIdOrUid(idOrUid);
    if (!app) throw new NotFoundError('app', idOrUid);
    return app;
  }

  async update(idOrUid: string, dto: UpdateAppDto): Promise<AppEntity> {
    const app = await this.get(idOrUid);
    if (dto.name !== undefined) app.name = dto.name;
    if (dto.uid !== undefined) app.uid = dto.uid;
    if (dto.metadata !== undefined) app.metadata = dto.metadata;
    if (dto.retrySchedule !== undefined)
      app.retrySchedule = retryScheduleToSeconds(dto.retrySchedule) ?? null;
    if (dto.portal !== undefined) app.portal = mergePortalSettings(app.portal, dto.portal);
    app.updatedAt = this.clock.now();
    return this.uniqueUid(dto.uid ?? undefined, () => this.apps.save(app));
  }

  async delete(idOrUid: string): Promise<void> {
    const app = await this.get(idOrUid);
    await this.apps.delete(app.id);
  }

  private async uniqueUid<T>(uid: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (err) {
      if (isPgError(err, UNIQUE_VIOLATION))
        throw new ConflictError('uid_taken', `an app with uid "${uid}" already exists`);
      throw err;
    }
  }
}
