import { Body, Controller, Delete, Get, HttpCode, Patch, Put, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { readUploadedFile } from '../storage/upload';
import { ProfileResponseDto } from './dto/profile-response.dto';
import { ProfileUpdateDto } from './dto/profile-update.dto';
import { ProfilesService } from './profiles.service';

@ApiTags('profile')
@Controller('api/v1/profile')
@Auth()
export class ProfilesController {
  constructor(private readonly profiles: ProfilesService) {}

  @Get()
  @ApiOperation({ summary: 'My profile: time zone, locale, notifications, preferences, avatar' })
  @ApiOkResponse({ type: ProfileResponseDto })
  get(@CurrentPrincipal() principal: UserPrincipal): Promise<ProfileResponseDto> {
    return this.profiles.describe(principal.userId);
  }

  @Patch()
  @ApiOperation({
    summary: 'Change time zone, locale, notifications or preferences',
    description:
      '`notifications` is merged into the current settings; `preferences` replaces the old ' +
      'object as a whole.',
  })
  @ApiOkResponse({ type: ProfileResponseDto })
  @ApiProblems(400)
  update(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: ProfileUpdateDto,
  ): Promise<ProfileResponseDto> {
    return this.profiles.update(principal.userId, body);
  }

  @Put('avatar')
  @ApiOperation({
    summary: 'Upload an avatar',
    description:
      'A PNG, JPEG, WebP or GIF (decided by the content, not the name or declared type) of at ' +
      'most 5 MiB and 40 megapixels, re-encoded to a 256×256 WebP without metadata. It is ' +
      'stored under a new key and the previous avatar deleted.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary' } },
    },
  })
  @ApiOkResponse({ type: ProfileResponseDto })
  @ApiProblems(400, 413, 415)
  async uploadAvatar(
    @CurrentPrincipal() principal: UserPrincipal,
    @Req() request: FastifyRequest,
  ): Promise<ProfileResponseDto> {
    const upload = await readUploadedFile(request, 'file');
    return this.profiles.setAvatar(principal.userId, upload);
  }

  @Delete('avatar')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the avatar' })
  @ApiNoContentResponse({ description: 'Removed (or there was none)' })
  async deleteAvatar(@CurrentPrincipal() principal: UserPrincipal): Promise<void> {
    await this.profiles.removeAvatar(principal.userId);
  }
}
