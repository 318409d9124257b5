import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { isId } from '../common/ids';
import { notifyRoutingChanged } from '../queue/channels';
import { QueuePurgeRepository } from '../queue/queue-purge.repository';
import { AppEntity } from './app.entity';

@Injectable()
export class AppsRepository {
  constructor(
    @InjectRepository(AppEntity) private readonly apps: Repository<AppEntity>,
    private readonly queue: QueuePurgeRepository,
  ) {}

  /** `{appId}` in every route accepts the id or the caller's uid. */
  findByIdOrUid(idOrUid: string): Promise<AppEntity | null> {
    return this.apps.findOne({ where: isId('app', idOrUid) ? { id: idOrUid } : { uid: idOrUid } });
  }

  /**
   * `search` matches a name containing it (any case) or an exact id or uid. The name match is
   * not indexed: it filters while walking the id order, stopping after `limit + 1` rows.
   */
  list(limit: number, after: string | undefined, search?: string): Promise<AppEntity[]> {
    const query = this.apps
      .createQueryBuilder('a')
      .orderBy('a.id', 'ASC')
      .limit(limit + 1);
    if (after !== undefined) query.andWhere('a.id > :after', { after });
    if (search !== undefined)
      query.andWhere("(a.name ILIKE :like ESCAPE '\\' OR a.id = :search OR a.uid = :search)", {
        like: `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        search,
      });
    return query.getMany();
  }

  /** A real INSERT: save() would silently update a row with the same key. */
  async insert(app: AppEntity): Promise<AppEntity> {
    // jsonb columns typed as objects do not fit TypeORM's deep-partial insert type.
    await this.apps.insert(app as QueryDeepPartialEntity<AppEntity>);
    return app;
  }

  save(app: AppEntity): Promise<AppEntity> {
    return this.apps.save(app);
  }

  /**
   * Cascades to endpoints, subscriptions and messages; attempts and deliveries carry no
   * foreign key (hot-path inserts), so they go explicitly, first. The app row is locked
   * before: an ingest statement still running holds a key-share lock on it (the message's
   * foreign key), so this waits for it to commit and then sees its deliveries; without the
   * lock they were left behind, pending for a message that no longer exists.
   */
  async delete(id: string): Promise<void> {
    await this.apps.manager.transaction(async (tx) => {
      await tx.query('SELECT id FROM app WHERE id = $1 FOR UPDATE', [id]);
      await this.queue.deleteOfApp(tx, id);
      await tx.query('DELETE FROM app WHERE id = $1', [id]);
      // Every process drops its cached routing for the app on commit.
      await notifyRoutingChanged(tx, id);
    });
  }
}
