import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth } from '../common/auth/auth.decorator';
import { CurrentPrincipal } from '../common/auth/current-principal.decorator';
import { UserPrincipal } from '../common/auth/principal';
import { ApiProblems } from '../common/errors/api-problems.decorator';
import { UserResponseDto } from './dto/user-response.dto';
import { UserUpdateDto } from './dto/user-update.dto';
import { MeService } from './me.service';

@ApiTags('users')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly me: MeService) {}

  @Get('me')
  @Auth()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponseDto })
  getMe(@CurrentPrincipal() principal: UserPrincipal): Promise<UserResponseDto> {
    return this.me.describe(principal.userId);
  }

  @Patch('me')
  @Auth()
  @ApiOperation({ summary: 'Change name, username or phone' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiProblems(400, 409)
  async updateMe(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() body: UserUpdateDto,
  ): Promise<UserResponseDto> {
    await this.me.update(principal.userId, body);
    return this.me.describe(principal.userId);
  }
}
