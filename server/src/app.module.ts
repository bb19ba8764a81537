import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import type { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from './config/config';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { NodeIdentity } from './modules/cluster/node-identity';
import { TOKEN_SIGNER } from './modules/auth/auth.service';
import { TokenSigner } from './modules/auth/tokens';
import { GuestsModule } from './modules/guests/guests.module';
import { HealthModule } from './modules/health/health.module';
import { MediaModule } from './modules/media/media.module';
import { RealtimeModule } from './modules/realtime/realtime.module';
import { RecordsModule } from './modules/records/records.module';
import { SchedulingModule } from './modules/scheduling/scheduling.module';
import type { WorkerPool } from './modules/media/worker-pool';

export interface AppDeps {
  config: AppConfig;
  dataSource: DataSource;
  workerPool: WorkerPool;
  jwtSecret: string;
  /** This process in a cluster; generated from the config when absent. */
  node?: NodeIdentity;
  /** The process's pino logger (common/logging): Nest's Logger and the HTTP access lines write through it. */
  logger: PinoLogger;
}

@Global()
@Module({})
class CoreModule {
  static forRoot(deps: AppDeps): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: deps.config },
        { provide: TOKEN_SIGNER, useValue: new TokenSigner(deps.jwtSecret, deps.config.ACCESS_TOKEN_TTL_SECONDS) },
        { provide: NodeIdentity, useValue: deps.node ?? NodeIdentity.fromConfig(deps.config) },
      ],
      exports: [APP_CONFIG, TOKEN_SIGNER, NodeIdentity],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(deps),
        // The access log's pino-http is mounted by app.factory before the body parser (so a malformed
        // body still gets its line); nestjs-pino binds its request logger and routes Nest's Logger to pino.
        LoggerModule.forRoot({ pinoHttp: { logger: deps.logger }, useExisting: true }),
        TypeOrmModule.forRootAsync({
          useFactory: () => deps.dataSource.options,
          dataSourceFactory: async () => deps.dataSource,
        }),
        MediaModule.forRoot(deps.workerPool),
        AuditModule,
        AuthModule,
        HealthModule,
        RealtimeModule,
        SchedulingModule,
        RecordsModule,
        GuestsModule,
      ],
    };
  }
}
