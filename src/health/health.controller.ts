import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { AppConfig } from '../config/app-config';
import { Public } from '../common/auth/public.decorator';
import { SharedState } from '../common/shared-state/shared-state';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly config: AppConfig,
    @Inject(SharedState) private readonly sharedState: SharedState,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'The database (and Redis, when configured) answer' })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    const checks = [() => this.database.pingCheck('database', { timeout: 3000 })];
    if (this.config.redisUrl) checks.push(() => this.redis());
    return this.health.check(checks);
  }

  private async redis(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      await this.sharedState.ping();
      return indicator.up();
    } catch {
      return indicator.down();
    }
  }
}
