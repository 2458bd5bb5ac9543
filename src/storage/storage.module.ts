import { join } from 'node:path';
import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { LocalStorage } from './local-storage';
import { MediaController } from './media.controller';
import { Storage } from './storage';

export async function createStorage(config: AppConfig): Promise<Storage> {
  const { storage, http, dataDir } = config;
  if (storage.driver === 'local') return new LocalStorage(join(dataDir, 'media'), http.appUrl);
  // Loaded only when configured: the AWS SDK is a good part of a cold start's module loading.
  const { S3Storage } = await import('./s3-storage');
  return new S3Storage({
    // EnvDto requires S3_BUCKET when STORAGE_DRIVER=s3.
    bucket: storage.s3.bucket as string,
    region: storage.s3.region,
    endpoint: storage.s3.endpoint,
    location: storage.s3.location,
    forcePathStyle: storage.s3.forcePathStyle,
    publicUrl: storage.s3.publicUrl,
    appUrl: http.appUrl,
  });
}

/** The media store (`Storage`), chosen by STORAGE_DRIVER, and the `/media/*` route. */
@Global()
@Module({
  controllers: [MediaController],
  providers: [{ provide: Storage, useFactory: createStorage, inject: [AppConfig] }],
  exports: [Storage],
})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(Storage) private readonly storage: Storage) {}

  onApplicationShutdown(): void {
    this.storage.close();
  }
}
