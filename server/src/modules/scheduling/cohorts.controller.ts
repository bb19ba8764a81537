import { Controller, Get } from '@nestjs/common';
import { sessionRangeQuerySchema, type Cohort, type CohortRoster, type SessionRangeQuery, type SessionView } from '@hearth/protocol';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IdParam, ValidQuery } from './params';
import { SchedulingService } from './scheduling.service';

/** A cohort as its admins, therapists and enrolled patients see it. */
@Controller('api/cohorts')
@Roles('admin', 'therapist', 'patient')
export class CohortsController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Get(':cohortId')
  get(@CurrentPrincipal() p: Principal, @IdParam('cohortId') cohortId: string): Promise<Cohort> {
    return this.scheduling.getCohort(p, cohortId);
  }

  @Get(':cohortId/roster')
  roster(@CurrentPrincipal() p: Principal, @IdParam('cohortId') cohortId: string): Promise<CohortRoster> {
    return this.scheduling.getRoster(p, cohortId);
  }

  @Get(':cohortId/sessions')
  sessions(
    @CurrentPrincipal() p: Principal,
    @IdParam('cohortId') cohortId: string,
    @ValidQuery(sessionRangeQuerySchema) q: SessionRangeQuery,
  ): Promise<SessionView[]> {
    return this.scheduling.cohortSessions(p, cohortId, q);
  }
}
