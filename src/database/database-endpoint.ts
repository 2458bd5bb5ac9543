import { AppConfig } from '../config/app-config';
import { EmbeddedEndpoint, openFileDatabase, startMemoryDatabase } from './embedded-postgres';

/** How this process reaches its database; owns the embedded server when there is one. */
export class DatabaseEndpoint {
  private constructor(
    readonly connection: { url: string } | { socketDir: string },
    private readonly embedded: EmbeddedEndpoint | null,
  ) {}

  /**
   * The service owns the embedded database (waiting briefly for a running command to let
   * go); a management command joins the service's database when it is running.
   */
  static async open(config: AppConfig, role: 'service' | 'command'): Promise<DatabaseEndpoint> {
    const mode = config.database;
    if (mode.kind === 'postgres') return new DatabaseEndpoint({ url: mode.url }, null);
    const embedded =
      mode.kind === 'memory'
        ? await startMemoryDatabase()
        : await openFileDatabase(mode.dataDir, {
            join: role === 'command',
            waitMs: role === 'service' ? 15_000 : 0,
          });
    return new DatabaseEndpoint({ socketDir: embedded.socketDir }, embedded);
  }

  get isEmbedded(): boolean {
    return this.embedded !== null;
  }

  async close(): Promise<void> {
    await this.embedded?.close();
  }
}
