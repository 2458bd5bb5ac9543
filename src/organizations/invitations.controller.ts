import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { PageQueryDto } from '../common/pagination/page-query.dto';
import {
  InvitationAcceptDto,
  InvitationListResponseDto,
  toInvitationResponse,
} from './dto/invitation.dto';
import { OrganizationResponseDto, toOrganizationResponse } from './dto/organization.dto';
import { InvitationsService } from './invitations.service';
import { uuidOr404 } from './uuid-param.pipe';

/** The invitee's side of invitations. */
@ApiTags('invitations')
@Controller('api/v1/invitations')
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @Get()
  @Auth()
  @ApiOperation({
    summary: "Pending invitations to the caller's email",
    description: 'Empty while the email is not verified.',
  })
  @ApiOkResponse({ type: InvitationListResponseDto })
  @ApiProblems(400)
  async list(
    @CurrentPrincipal() principal: UserPrincipal,
    @Query() query: PageQueryDto,
  ): Promise<InvitationListResponseDto> {
    const page = await this.invitations.listForInvitee(principal.userId, query);
    return { items: page.items.map(toInvitationResponse), nextCursor: page.nextCursor };
  }

  @Post('accept')
  @Auth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation with the token of its emailed link',
    description:
      "The caller's verified email must be the invitation's (403 otherwise). An unknown, " +
      'used, declined or revoked token is a 400 `token_invalid`; an expired one `token_expired`.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems(400, 403, 409)
  async acceptByToken(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @Body() body: InvitationAcceptDto,
  ): Promise<OrganizationResponseDto> {
    const { organization, role } = await this.invitations.acceptByToken(
      { userId: principal.userId, client },
      body.token,
    );
    return toOrganizationResponse(organization, role);
  }

  @Post(':id/accept')
  @Auth()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept one of my invitations by id',
    description: 'An invitation to another email is a 404.',
  })
  @ApiOkResponse({ type: OrganizationResponseDto })
  @ApiProblems(400, 403, 404, 409)
  async acceptById(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @Param('id', uuidOr404('Invitation')) id: string,
  ): Promise<OrganizationResponseDto> {
    const { organization, role } = await this.invitations.acceptById(
      { userId: principal.userId, client },
      id,
    );
    return toOrganizationResponse(organization, role);
  }

  @Post(':id/decline')
  @Auth()
  @HttpCode(204)
  @ApiOperation({ summary: 'Decline one of my invitations' })
  @ApiNoContentResponse()
  @ApiProblems(400, 403, 404)
  async decline(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @Param('id', uuidOr404('Invitation')) id: string,
  ): Promise<void> {
    await this.invitations.decline({ userId: principal.userId, client }, id);
  }
}
