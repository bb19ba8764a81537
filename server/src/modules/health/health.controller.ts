import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { HealthResponse } from '@hearth/protocol';
import { Public } from '../auth/auth.guard';
import { WorkerPool } from '../media/worker-pool';

@Controller('api/health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workers: WorkerPool,
  ) {}

  /** 200 when the database answers; 503 otherwise (the body says which part is down). */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<HealthResponse | { status: 'degraded'; db: 'ok' | 'down'; mediasoupWorkers: number }> {
    let db: 'ok' | 'down' = 'ok';
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      db = 'down';
    }
    const mediasoupWorkers = this.workers.size;
    if (db === 'down' || mediasoupWorkers === 0) {
      res.status(503);
      return { status: 'degraded', db, mediasoupWorkers };
    }
    return { status: 'ok', db, mediasoupWorkers };
  }
}
