import { Controller, Get, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/auth/public.decorator';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { AppException } from '../common/errors/app.exception';
import { isMediaKey } from './media-keys';
import { Storage } from './storage';

/** Serves stored media (avatars). Keys are unique and never rewritten, so caching is forever. */
@ApiTags('media')
@Controller('media')
export class MediaController {
  constructor(private readonly storage: Storage) {}

  @Get('*')
  @Public()
  @ApiOperation({
    summary: 'A stored media object (e.g. an avatar), by key',
    description:
      'The URLs come from `avatarUrl`. Objects never change, so they are cacheable for a year.',
  })
  // Swagger shows the wildcard as `{path}`; Fastify hands it over as the `*` parameter.
  @ApiParam({
    name: 'path',
    type: String,
    description: 'The object key, e.g. `avatars/<userId>/<random>.webp`',
  })
  @ApiProduces('image/webp', 'image/png', 'image/jpeg', 'image/gif')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' } })
  @ApiProblems(404)
  async serve(
    @Req() request: FastifyRequest<{ Params: { '*': string } }>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const key = request.params['*'];
    const object = isMediaKey(key) ? await this.storage.get(key) : null;
    if (!object) throw new AppException('not_found', 'No such media');
    void reply.headers({
      'cache-control': 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      // Front ends on other origins display avatars; helmet's default would block them.
      'cross-origin-resource-policy': 'cross-origin',
      'content-security-policy': "default-src 'none'; sandbox",
    });
    return new StreamableFile(object.body, { type: object.contentType, length: object.size });
  }
}
