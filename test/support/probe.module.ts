import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { Public } from '../../src/common/auth/public.decorator';

class ProbeEchoDto {
  @IsString()
  @MaxLength(20)
  name!: string;

  @IsInt()
  @Min(1)
  count!: number;
}

/** Routes that exercise the HTTP plumbing itself (errors, validation) in tests. */
@Public()
@Controller('probe')
class ProbeController {
  constructor(private readonly dataSource: DataSource) {}

  @Post('echo')
  echo(@Body() body: ProbeEchoDto): ProbeEchoDto {
    return body;
  }

  @Post('duplicate')
  async duplicate(): Promise<void> {
    await this.dataSource.query(
      'CREATE TEMP TABLE IF NOT EXISTS probe_unique (id int PRIMARY KEY)',
    );
    await this.dataSource.query('INSERT INTO probe_unique VALUES (1)');
    await this.dataSource.query('INSERT INTO probe_unique VALUES (1)');
  }

  @Get('crash')
  crash(): never {
    throw new Error('secret internal detail: SELECT password FROM users');
  }
}

@Module({ controllers: [ProbeController] })
export class ProbeModule {}
