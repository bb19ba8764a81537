import { type DynamicModule, Module } from '@nestjs/common';
import { MediaService } from './media.service';
import { WorkerPool } from './worker-pool';

/** mediasoup only; knows nothing about therapy rules. */
@Module({})
export class MediaModule {
  static forRoot(pool: WorkerPool): DynamicModule {
    return { module: MediaModule, global: true, providers: [{ provide: WorkerPool, useValue: pool }, MediaService], exports: [WorkerPool, MediaService] };
  }
}
