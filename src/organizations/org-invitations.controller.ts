import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import {
  InvitationCreateDto,
  InvitationListResponseDto,
  InvitationResponseDto,
  toInvitationResponse,
} from './dto/invitation.dto';
import { CurrentOrg } from './guards/current-org.decorator';
import { InvitationsService } from './invitations.service';
import { OrgAccess } from './org-access.service';
import { uuidOr404 } from './uuid-param.pipe';

/** An organization's side of invitations (admins). */
@ApiTags('invitations')
@Controller('api/v1/organizations/:orgId/invitations')
export class OrgInvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Post()
  @Auth({ org: 'admin' })
  @ApiOperation({
    summary: 'Invite someone by email (admin)',
    description:
      'Emails a link to `${APP_URL}/invitations/accept?token=…`, valid for 7 days. A pending ' +
      'invitation to the same email is revoked and replaced; an email of a member is a 409.',
  })
  @ApiCreatedResponse({ type: InvitationResponseDto })
  @ApiProblems(400, 409)
  async create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
    @Body() body: InvitationCreateDto,
  ): Promise<InvitationResponseDto> {
    const invitation = await this.invitations.invite(
      { userId: principal.userId, client },
      access.organization.id,
      body,
    );
    return toInvitationResponse(invitation);
  }

  @Get()
  @Auth({ org: 'admin' })
  @ApiOperation({
    summary: 'Open invitations of the organization, newest first (admin)',
    description: 'Those not accepted, declined or revoked; expired ones show `status: expired`.',
  })
  @ApiOkResponse({ type: InvitationListResponseDto })
  @ApiProblems(400)
  async list(
    @CurrentOrg() access: OrgAccess,
    @Query() query: PageQueryDto,
  ): Promise<InvitationListResponseDto> {
    const page = await this.invitations.listForOrganization(access.organization.id, query);
    return { items: page.items.map(toInvitationResponse), nextCursor: page.nextCursor };
  }

  @Delete(':id')
  @Auth({ org: 'admin' })
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an invitation (admin)' })
  @ApiNoContentResponse()
  @ApiProblems(409)
  async revoke(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @CurrentOrg() access: OrgAccess,
    @Param('id', uuidOr404('Invitation')) id: string,
  ): Promise<void> {
    await this.invitations.revoke({ userId: principal.userId, client }, access.organization.id, id);
  }
}
