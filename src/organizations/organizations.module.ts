import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from '../auth/auth.module';
import { AccountController } from './account.controller';
import { AccountRepository } from './account.repository';
import { AccountService } from './account.service';
import { Invitation } from './entities/invitation.entity';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { InvitationsController } from './invitations.controller';
import { InvitationsRepository } from './invitations.repository';
import { InvitationsService } from './invitations.service';
import { MembersController } from './members.controller';
import { MembershipsRepository } from './memberships.repository';
import { MembershipsService } from './memberships.service';
import { OrgAccessService } from './org-access.service';
import { OrgAudit } from './org-audit';
import { OrgInvitationsController } from './org-invitations.controller';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsRepository } from './organizations.repository';
import { OrganizationsService } from './organizations.service';

/**
 * Organizations, memberships and invitations. Global, so that any feature's controller can
 * use `@Auth({ org })`: its guard needs `OrgAccessService` wherever the route lives.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Organization, Membership, Invitation]), AuthModule],
  controllers: [
    OrganizationsController,
    MembersController,
    OrgInvitationsController,
    InvitationsController,
    AccountController,
  ],
  providers: [
    OrganizationsRepository,
    MembershipsRepository,
    InvitationsRepository,
    AccountRepository,
    OrgAccessService,
    OrgAudit,
    OrganizationsService,
    MembershipsService,
    InvitationsService,
    AccountService,
  ],
  exports: [OrgAccessService, OrganizationsService, MembershipsRepository],
})
export class OrganizationsModule {}
