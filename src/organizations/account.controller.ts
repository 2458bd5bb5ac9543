import { Body, Controller, Delete, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { Client } from '../common/http/client.decorator';
import { ClientInfo } from '../common/http/request-context';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { MeService } from '../users/me.service';
import { AccountService } from './account.service';
import { AccountDeleteDto, ActiveOrganizationUpdateDto } from './dto/account.dto';
import { MembershipsService } from './memberships.service';

/** The parts of `/users/me` that are about organizations. */
@ApiTags('users')
@Controller('api/v1/users/me')
export class AccountController {
  constructor(
    private readonly memberships: MembershipsService,
    private readonly account: AccountService,
    private readonly me: MeService,
  ) {}

  @Put('active-organization')
  @Auth()
  @ApiOperation({ summary: 'Choose the active organization (one the user is a member of)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 404)
  async setActiveOrganization(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: ActiveOrganizationUpdateDto,
  ): Promise<UserResponseDto> {
    await this.memberships.setActiveOrganization(principal.userId, body.organizationId);
    return this.me.describe(principal.userId);
  }

  @Delete()
  @Auth()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete the account',
    description:
      'Also deletes every organization in which the user is the only member. An owner of an ' +
      'organization with other members must transfer it first (409).',
  })
  @ApiNoContentResponse()
  @ApiProblems(400, 409)
  async deleteAccount(
    @CurrentPrincipal() principal: UserPrincipal,
    @Client() client: ClientInfo,
    @Body() body: AccountDeleteDto,
  ): Promise<void> {
    await this.account.deleteAccount({ userId: principal.userId, client }, body.password);
  }
}
