import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BadRequestError } from './errors/domain-error';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 250;

/** `?limit=&cursor=` of every list route. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_LIMIT, default: DEFAULT_PAGE_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's nextCursor." })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Cursors are opaque to clients: the base64url of the sort key of the last row returned.
 * Keyset pagination (WHERE key > cursor ORDER BY key) is stable under concurrent inserts:
 * no row is skipped or repeated because a row was added elsewhere.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

export function decodeCursor(
  cursor: string | undefined,
  isValid: (key: string) => boolean = () => true,
): string | undefined {
  if (cursor === undefined) return undefined;
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (key.length === 0 || encodeCursor(key) !== cursor || !isValid(key)) {
    throw new BadRequestError(
      'cursor is not a cursor this list returned',
      undefined,
      'invalid_cursor',
    );
  }
  return key;
}

/** Rows were fetched with `limit + 1` to learn whether another page exists. */
export function toPage<Row, Out>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => string,
  map: (row: Row) => Out,
): Page<Out> {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  return {
    data: shown.map(map),
    nextCursor: more ? encodeCursor(keyOf(shown[shown.length - 1])) : null,
  };
}

export function pageLimit(query: PageQueryDto): number {
  return query.limit ?? DEFAULT_PAGE_LIMIT;
}

type Constructor<T> = new (...args: never[]) => T;

/** OpenAPI model of `{ data: T[], nextCursor }` for one response DTO. */
export function PageResponse<T>(item: Constructor<T>, name: string): Constructor<Page<T>> {
  class PageOf implements Page<T> {
    @ApiProperty({ type: item, isArray: true })
    data!: T[];

    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as ?cursor= to get the next page; null on the last page.',
    })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageOf, 'name', { value: name });
  return PageOf;
}
