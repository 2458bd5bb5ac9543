import { Command, CommandRunner } from 'nest-commander';
import { SigningKeysService } from '../auth/tokens/signing-keys.service';

@Command({
  name: 'keys:rotate',
  description: 'Add a new JWT signing key; older keys stay published until their tokens expire',
})
export class KeysRotateCommand extends CommandRunner {
  constructor(private readonly keys: SigningKeysService) {
    super();
  }

  async run(): Promise<void> {
    const kid = await this.keys.rotate();
    process.stdout.write(`New signing key ${kid} is active\n`);
  }
}
