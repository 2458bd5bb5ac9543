import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** `?limit=&cursor=` of every list (SPEC.md, HTTP conventions). */
export class PageQueryDto {
  /** Items per page, 1–200 (default 50). */
  @IsOptional()
  // Only plain digits become numbers: "1e2", "1.5" or "-1" stay strings and fail `IsInt`.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^[0-9]{1,6}$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: 'limit must be a whole number from 1 to 200' })
  @Min(1, { message: 'limit must be a whole number from 1 to 200' })
  @Max(MAX_PAGE_LIMIT, { message: 'limit must be a whole number from 1 to 200' })
  limit?: number;

  /** The `nextCursor` of the previous page (opaque). */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}
