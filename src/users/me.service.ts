import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception';
import { toUserResponse, UserResponseDto } from './dto/user-response.dto';
import { UserUpdateDto } from './dto/user-update.dto';
import { User } from './user.entity';
import { UsersService } from './users.service';

/** Adds a module's part of `/users/me` (memberships, profile, mfaEnabled…). */
export type MeContributor = (user: User) => Promise<Partial<UserResponseDto>>;

/** `/users/me`: the user, plus what other modules contribute to it. */
@Injectable()
export class MeService {
  private readonly contributors: MeContributor[] = [];

  constructor(private readonly users: UsersService) {}

  contribute(contributor: MeContributor): void {
    this.contributors.push(contributor);
  }

  async describe(userId: string): Promise<UserResponseDto> {
    const user = await this.users.findById(userId);
    if (!user || !user.isActive) throw new AppException('unauthorized', 'Not signed in');
    return this.describeUser(user);
  }

  async describeUser(user: User): Promise<UserResponseDto> {
    const parts = await Promise.all(this.contributors.map((contributor) => contributor(user)));
    return Object.assign(toUserResponse(user), ...parts) as UserResponseDto;
  }

  async update(userId: string, changes: UserUpdateDto): Promise<void> {
    if (Object.keys(changes).length === 0) return;
    await this.users.updateProfileFields(userId, changes);
  }
}
