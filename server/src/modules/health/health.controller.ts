import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import type { HealthResponse } from '@hearth/protocol';
import { Public } from '../auth/auth.guard';
import { NodeIdentity } from '../cluster/node-identity';
import { WorkerPool } from '../media/worker-pool';

@Controller('api/health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workers: WorkerPool,
    private readonly node: NodeIdentity,
  ) {}

  /** 200 when the database answers; 503 otherwise (the body says which part is down). */
  @Public()
  @Get()
  async health(
    @Res({ passthrough: true }) res: Response,
  ): Promise<HealthResponse | (Omit<HealthResponse, 'status' | 'db'> & { status: 'degraded'; db: 'ok' | 'down' })> {
    let db: 'ok' | 'down' = 'ok';
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      db = 'down';
    }
    const mediasoupWorkers = this.workers.size;
    const { nodeId, pid } = this.node;
    if (db === 'down' || mediasoupWorkers === 0) {
      res.status(503);
      return { status: 'degraded', db, mediasoupWorkers, nodeId, pid };
    }
    return { status: 'ok', db, mediasoupWorkers, nodeId, pid };
  }
}
