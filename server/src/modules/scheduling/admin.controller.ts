import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  createCohortBodySchema,
  createEnrollmentBodySchema,
  createMemberBodySchema,
  createProgramBodySchema,
  createSeriesBodySchema,
  updateEnrollmentBodySchema,
  updateProgramBodySchema,
  type Cohort,
  type CreateCohortBody,
  type CreateEnrollmentBody,
  type CreateMemberBody,
  type CreateProgramBody,
  type CreateSeriesBody,
  type CreateSeriesResponse,
  type Enrollment,
  type Member,
  type Program,
  type UpdateEnrollmentBody,
  type UpdateProgramBody,
} from '@hearth/protocol';
import { ZodPipe } from '../../common/validation';
import { CurrentPrincipal, Roles } from '../auth/auth.guard';
import type { Principal } from '../auth/auth.service';
import { IdParam } from './params';
import { SchedulingService } from './scheduling.service';

/** Program set-up. Admins act only on the programs they belong to (others answer 404). */
@Controller('api/admin')
@Roles('admin')
export class AdminSchedulingController {
  constructor(private readonly scheduling: SchedulingService) {}

  @Post('programs')
  createProgram(@CurrentPrincipal() p: Principal, @Body(new ZodPipe(createProgramBodySchema)) body: CreateProgramBody): Promise<Program> {
    return this.scheduling.createProgram(p, body);
  }

  @Get('programs')
  listPrograms(@CurrentPrincipal() p: Principal): Promise<Program[]> {
    return this.scheduling.listPrograms(p);
  }

  @Get('programs/:programId')
  getProgram(@CurrentPrincipal() p: Principal, @IdParam('programId') programId: string): Promise<Program> {
    return this.scheduling.getProgram(p, programId);
  }

  @Patch('programs/:programId')
  updateProgram(
    @CurrentPrincipal() p: Principal,
    @IdParam('programId') programId: string,
    @Body(new ZodPipe(updateProgramBodySchema)) body: UpdateProgramBody,
  ): Promise<Program> {
    return this.scheduling.updateProgram(p, programId, body);
  }

  @Post('programs/:programId/members')
  createMember(
    @CurrentPrincipal() p: Principal,
    @IdParam('programId') programId: string,
    @Body(new ZodPipe(createMemberBodySchema)) body: CreateMemberBody,
  ): Promise<Member> {
    return this.scheduling.createMember(p, programId, body);
  }

  @Get('programs/:programId/members')
  listMembers(@CurrentPrincipal() p: Principal, @IdParam('programId') programId: string): Promise<Member[]> {
    return this.scheduling.listMembers(p, programId);
  }

  @Post('programs/:programId/cohorts')
  createCohort(
    @CurrentPrincipal() p: Principal,
    @IdParam('programId') programId: string,
    @Body(new ZodPipe(createCohortBodySchema)) body: CreateCohortBody,
  ): Promise<Cohort> {
    return this.scheduling.createCohort(p, programId, body);
  }

  @Post('cohorts/:cohortId/enrollments')
  createEnrollment(
    @CurrentPrincipal() p: Principal,
    @IdParam('cohortId') cohortId: string,
    @Body(new ZodPipe(createEnrollmentBodySchema)) body: CreateEnrollmentBody,
  ): Promise<Enrollment> {
    return this.scheduling.createEnrollment(p, cohortId, body);
  }

  @Patch('enrollments/:enrollmentId')
  @HttpCode(200)
  updateEnrollment(
    @CurrentPrincipal() p: Principal,
    @IdParam('enrollmentId') enrollmentId: string,
    @Body(new ZodPipe(updateEnrollmentBodySchema)) body: UpdateEnrollmentBody,
  ): Promise<Enrollment> {
    return this.scheduling.updateEnrollment(p, enrollmentId, body);
  }

  @Post('cohorts/:cohortId/series')
  createSeries(
    @CurrentPrincipal() p: Principal,
    @IdParam('cohortId') cohortId: string,
    @Body(new ZodPipe(createSeriesBodySchema)) body: CreateSeriesBody,
  ): Promise<CreateSeriesResponse> {
    return this.scheduling.createSeries(p, cohortId, body);
  }

  /** Adds the series' sessions up to 12 weeks ahead of now; refused (409) if any would double-book. */
  @Post('series/:seriesId/extend')
  @HttpCode(200)
  extendSeries(@CurrentPrincipal() p: Principal, @IdParam('seriesId') seriesId: string): Promise<CreateSeriesResponse> {
    return this.scheduling.extendSeries(p, seriesId);
  }
}
