import { Controller, Get } from '@nestjs/common';
import { weekQuerySchema, type WeekHours, type WeekQuery } from '@hearth/protocol';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IdParam, ValidQuery } from './params';
import { SchedulingService } from './scheduling.service';

@Controller('api/programs')
@Roles('admin', 'therapist')
export class ProgramsController {
  constructor(private readonly scheduling: SchedulingService) {}

  /** Scheduled hours per patient for a week against the program's target; flags patients without a 1:1. */
  @Get(':programId/week')
  week(@CurrentPrincipal() p: Principal, @IdParam('programId') programId: string, @ValidQuery(weekQuerySchema) q: WeekQuery): Promise<WeekHours> {
    return this.scheduling.weekHours(p, programId, q.weekOf);
  }
}
