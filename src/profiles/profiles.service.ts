import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AppException } from '../common/errors/app.exception';
import { Storage } from '../storage/storage';
import { renderAvatar } from './avatar-image';
import { ProfileResponseDto, toProfileResponse } from './dto/profile-response.dto';
import { ProfileUpdateDto } from './dto/profile-update.dto';
import { Profile } from './profile.entity';
import { canonicalLocale, canonicalTimeZone } from './profile-validation';
import { ProfileChanges, ProfilesRepository } from './profiles.repository';

const PG_FOREIGN_KEY_VIOLATION = '23503';

@Injectable()
export class ProfilesService {
  private readonly logger = new Logger(ProfilesService.name);

  constructor(
    private readonly profiles: ProfilesRepository,
    private readonly storage: Storage,
  ) {}

  /** Runs in the transaction that creates the user (UsersService.onUserCreated). */
  createDefault(userId: string, manager: EntityManager): Promise<void> {
    return this.profiles.insertDefault(userId, manager);
  }

  async describe(userId: string): Promise<ProfileResponseDto> {
    return this.toResponse(await this.load(userId));
  }

  /** The profile as JSON, selected inside another query over the user (see `/users/me`). */
  jsonOfUserSelect(userIdColumn: string): string {
    return this.profiles.jsonSelect(userIdColumn);
  }

  /** From `jsonOfUserSelect`'s value; a user without a profile (older data) gets one now. */
  async describeLoaded(userId: string, json: unknown): Promise<ProfileResponseDto> {
    return json ? this.toResponse(this.profiles.fromJson(json)) : this.describe(userId);
  }

  async update(userId: string, input: ProfileUpdateDto): Promise<ProfileResponseDto> {
    await this.load(userId);
    const changes: ProfileChanges = {};
    // The DTO has validated these; canonical spelling is stored (`en-us` → `en-US`).
    if (input.timezone !== undefined) changes.timezone = canonicalTimeZone(input.timezone)!;
    if (input.locale !== undefined) changes.locale = canonicalLocale(input.locale)!;
    const email = input.notifications?.email;
    // Column by column, so partial updates merge without a read-modify-write race.
    if (email?.security !== undefined) changes.notifyEmailSecurity = email.security;
    if (email?.product !== undefined) changes.notifyEmailProduct = email.product;
    if (email?.marketing !== undefined) changes.notifyEmailMarketing = email.marketing;
    if (input.preferences !== undefined) {
      // A fresh copy made by JSON itself: only data, nothing that could carry behaviour.
      changes.preferences = JSON.parse(JSON.stringify(input.preferences)) as Record<
        string,
        unknown
      >;
    }
    if (Object.keys(changes).length > 0) await this.profiles.update(userId, changes);
    return this.describe(userId);
  }

  /**
   * Stores the re-encoded avatar under a new key, points the profile at it, and only then
   * deletes the previous object: a failure never leaves the profile pointing at nothing.
   */
  async setAvatar(userId: string, upload: Buffer): Promise<ProfileResponseDto> {
    const image = await renderAvatar(upload);
    await this.load(userId);
    const key = `avatars/${userId}/${randomBytes(16).toString('base64url')}.webp`;
    await this.storage.put(key, image, 'image/webp');
    let previous: string | null | undefined;
    try {
      previous = await this.profiles.replaceAvatarKey(userId, key);
    } catch (error) {
      await this.discard(key);
      throw error;
    }
    if (previous === undefined) {
      await this.discard(key);
      throw new AppException('unauthorized', 'Not signed in');
    }
    if (previous) await this.discard(previous);
    return this.describe(userId);
  }

  async removeAvatar(userId: string): Promise<void> {
    const previous = await this.profiles.replaceAvatarKey(userId, null);
    if (previous) await this.discard(previous);
  }

  /** The user's profile; created with the defaults if missing (a user from before profiles). */
  private async load(userId: string): Promise<Profile> {
    const existing = await this.profiles.findByUserId(userId);
    if (existing) return existing;
    try {
      await this.profiles.insertDefault(userId);
    } catch (error) {
      const driverError = (error as QueryFailedError).driverError as { code?: string } | undefined;
      // The user is gone (deleted while a token was still in flight).
      if (error instanceof QueryFailedError && driverError?.code === PG_FOREIGN_KEY_VIOLATION) {
        throw new AppException('unauthorized', 'Not signed in');
      }
      throw error;
    }
    const created = await this.profiles.findByUserId(userId);
    if (!created) throw new AppException('unauthorized', 'Not signed in');
    return created;
  }

  private toResponse(profile: Profile): ProfileResponseDto {
    return toProfileResponse(
      profile,
      profile.avatarKey ? this.storage.publicUrl(profile.avatarKey) : null,
    );
  }

  /** Deleting an object the profile no longer names: a failure only leaves an orphan behind. */
  private async discard(key: string): Promise<void> {
    try {
      await this.storage.delete(key);
    } catch (error) {
      this.logger.warn(`Could not delete media object ${key}: ${(error as Error).message}`);
    }
  }
}
