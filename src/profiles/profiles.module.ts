import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StorageModule } from '../storage/storage.module';
import { MeService } from '../users/me.service';
import { UsersService } from '../users/users.service';
import { Profile } from './profile.entity';
import { ProfilesController } from './profiles.controller';
import { ProfilesRepository } from './profiles.repository';
import { ProfilesService } from './profiles.service';

@Module({
  imports: [TypeOrmModule.forFeature([Profile]), StorageModule],
  controllers: [ProfilesController],
  providers: [ProfilesRepository, ProfilesService],
  exports: [ProfilesService],
})
export class ProfilesModule implements OnModuleInit {
  constructor(
    private readonly users: UsersService,
    private readonly me: MeService,
    private readonly profiles: ProfilesService,
  ) {}

  onModuleInit(): void {
    // Every path that creates a user (signup, CLI, social sign-in) gets a profile with it.
    this.users.onUserCreated((user, manager) => this.profiles.createDefault(user.id, manager));
    this.me.contribute({
      select: this.profiles.jsonOfUserSelect('u.id'),
      read: async (json, user) => ({
        profile: { ...(await this.profiles.describeLoaded(user.id, json)) },
      }),
    });
  }
}
