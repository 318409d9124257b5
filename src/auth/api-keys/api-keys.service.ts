import { Inject, Injectable } from '@nestjs/common';
import { AppsService } from '../../apps/apps.service';
import { CLOCK, type Clock } from '../../common/clock';
import { NotFoundError } from '../../common/errors/domain-error';
import { isId, newId } from '../../common/ids';
import { decodeCursor, Page, PageQueryDto, pageLimit, toPage } from '../../common/pagination';
import { formatApiKey, hashApiKeySecret, newApiKeySecret } from '../credentials/api-key-secret';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './api-key.dto';
import { ApiKeysRepository } from './api-keys.repository';

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly apps: AppsService,
    private readonly keys: ApiKeysRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(appIdOrUid: string, dto: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const app = await this.apps.get(appIdOrUid);
    const now = this.clock.now();
    const secret = newApiKeySecret();
    const row = {
      id: newId('key', now.getTime()),
      app_id: app.id,
      name: dto.name,
      capabilities: dto.capabilities,
      secret_hash: hashApiKeySecret(secret),
      created_at: now,
    };
    await this.keys.insert(row);
    return {
      ...ApiKeyResponseDto.from({ ...row, revoked_at: null }),
      key: formatApiKey(row.id, secret),
    };
  }

  async list(appIdOrUid: string, query: PageQueryDto): Promise<Page<ApiKeyResponseDto>> {
    const app = await this.apps.get(appIdOrUid);
    const limit = pageLimit(query);
    const rows = await this.keys.list(
      app.id,
      limit,
      decodeCursor(query.cursor, (k) => isId('key', k)),
    );
    return toPage(rows, limit, (r) => r.id, ApiKeyResponseDto.from);
  }

  async revoke(appIdOrUid: string, id: string): Promise<void> {
    const app = await this.apps.get(appIdOrUid);
    if (!(await this.keys.revoke(app.id, id, this.clock.now())))
      throw new NotFoundError('API key', id);
  }
}
