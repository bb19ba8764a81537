import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, type Repository } from 'typeorm';
import type { CrisisAlertView, CrisisOutcome, CrisisState, SideRoomView } from '@hearth/protocol';
import { AuditService } from '../audit/audit.service';
import { Notifier } from '../realtime/notifier';
import type { Member } from '../rooms/domain/live-session';
import { SafetyCheckRecord } from '../rooms/entities/safety-check.entity';
import { RoomError, RoomErrorCode } from '../rooms/rooms.error';
import { RoomsService } from '../rooms/rooms.service';
import { CrisisError, CrisisErrorCode } from './crisis.error';
import { LiveStateStore } from '../rooms/live-state/live-state.store';
import { SideRooms, sideRoomsSnapshotSchema } from './domain/side-rooms';
import { CrisisEventRecord } from './entities/crisis-event.entity';
import { GroupListening } from './listen-to-group';

/**
 * Crisis alerts and private side rooms. An alert reaches only the session's
 * therapists, with the location and callback number of the session's safety
 * check. A side room is a media partition in the rooms module: its members
 * see and hear only each other. Every step is recorded; nothing is logged
 * beyond ids.
 */
@Injectable()
export class CrisisService implements OnModuleInit {
  private readonly logger = new Logger('Crisis');
  private readonly sideRooms = new Map<string, SideRooms>();
  private readonly raising = new Map<string, Promise<void>>();
  /** Sessions whose main room has been told that no therapist is with them. */
  private readonly groupAlone = new Set<string>();
  /** Therapists in a side room who keep hearing the group (listen-to-group.ts). */
  private readonly listening = new GroupListening();

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
    @InjectRepository(CrisisEventRecord) private readonly events: Repository<CrisisEventRecord>,
    @InjectRepository(SafetyCheckRecord) private readonly safetyChecks: Repository<SafetyCheckRecord>,
    private readonly audit: AuditService,
    private readonly liveState: LiveStateStore,
  ) {
    liveState.register({
      key: 'sideRooms',
      order: 10,
      schema: sideRoomsSnapshotSchema,
      capture: (sessionId) => {
        const rooms = this.sideRooms.get(sessionId);
        return rooms && !rooms.isEmpty ? rooms.toSnapshot() : undefined;
      },
      // Before anyone reconnects: a patient in a side room comes back to it, never to the group's media.
      restore: async (sessionId, state) => {
        const rooms = SideRooms.fromSnapshot(state);
        this.sideRooms.set(sessionId, rooms);
        for (const room of rooms.all()) {
          await this.rooms.setMediaPartition(sessionId, room.userIds, SideRooms.partitionFor(room.patientUserId));
        }
      },
      // Another node hosts the session now (it restores the side rooms from the snapshot).
      drop: (sessionId) => {
        this.sideRooms.delete(sessionId);
        this.groupAlone.delete(sessionId);
      },
    });
  }

  onModuleInit(): void {
    this.rooms.addReceiveRule(this.listening.rule);
    this.rooms.onPresence((e) => {
      if (e.kind === 'ended') {
        this.groupAlone.delete(e.sessionId);
        this.listening.forget(e.sessionId);
        void this.sessionEnded(e.sessionId, e.endedBy).catch((err: unknown) => this.fail(err));
      }
      else if (e.kind === 'left') void this.memberLeft(e.sessionId, e.userId).catch((err: unknown) => this.fail(err));
    });
  }

  /** A patient of the session (in the room or waiting in the lobby) asks for help now. */
  raise(userId: string, sessionId: string, now = new Date()): Promise<{ alertId: string; raisedAt: string }> {
    // A double press runs once: the second waits for the first and repeats its alert.
    const key = `${sessionId}:${userId}`;
    const run = (this.raising.get(key) ?? Promise.resolve()).then(() => this.raiseOnce(userId, sessionId, now));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.raising.set(key, tail);
    void tail.then(() => {
      if (this.raising.get(key) === tail) this.raising.delete(key);
    });
    return run;
  }

  private async raiseOnce(userId: string, sessionId: string, now: Date): Promise<{ alertId: string; raisedAt: string }> {
    const member = this.rooms.liveSession(sessionId)?.member(userId);
    if (!member || member.state === 'left') {
      throw new RoomError(RoomErrorCode.NotAParticipant, 'You are not part of this session.');
    }
    if (member.role !== 'patient') throw new CrisisError(CrisisErrorCode.PatientsOnly, 'Only patients raise a crisis alert.');
    // Pressing again before anyone answered repeats the same alert to the therapists.
    let record = await this.events.findOne({
      where: { sessionId, userId, raisedBy: userId, acknowledgedAt: IsNull(), withdrawnAt: IsNull(), resolvedAt: IsNull() },
      order: { raisedAt: 'DESC' },
    });
    if (!record) record = await this.events.save(this.events.create({ ...(await this.newEvent(sessionId, member, userId, now)) }));
    this.notifier.toTherapists(sessionId, 'crisis:raised', { sessionId, alert: this.view(record, member) });
    this.auditDisclosure(sessionId, record);
    return { alertId: record.id, raisedAt: record.raisedAt.toISOString() };
  }

  async acknowledge(userId: string, sessionId: string, alertId: string, now = new Date()): Promise<CrisisAlertView> {
    this.rooms.requireTherapist(userId, sessionId);
    const record = await this.events.findOne({ where: { id: alertId, sessionId } });
    if (!record) throw new CrisisError(CrisisErrorCode.AlertNotFound, 'No such alert in this session.');
    if (!record.acknowledgedAt) {
      Object.assign(record, { acknowledgedAt: now, acknowledgedBy: userId });
      await this.events.update({ id: record.id }, { acknowledgedAt: now, acknowledgedBy: userId });
      const acknowledgedByName = this.rooms.liveSession(sessionId)?.member(userId)?.displayName;
      this.notifier.toUser(record.userId, 'crisis:acknowledged', {
        sessionId,
        alertId,
        acknowledgedAt: now.toISOString(),
        ...(acknowledgedByName ? { acknowledgedByName } : {}),
      });
    }
    const alert = this.view(record);
    this.notifier.toTherapists(sessionId, 'crisis:updated', { sessionId, alert });
    return alert;
  }

  /** The patient takes back their own open alert (pressed by mistake); therapists still see it, marked withdrawn. */
  async withdraw(userId: string, sessionId: string, alertId: string, now = new Date()): Promise<{ alertId: string; withdrawnAt: string }> {
    const record = await this.events.findOne({ where: { id: alertId, sessionId } });
    // Someone else's alert is "not found" to a patient: nothing about it leaks.
    if (!record || record.userId !== userId || record.raisedBy !== userId) {
      throw new CrisisError(CrisisErrorCode.AlertNotFound, 'No such alert in this session.');
    }
    if (record.withdrawnAt) return { alertId, withdrawnAt: record.withdrawnAt.toISOString() };
    if (record.resolvedAt) throw new CrisisError(CrisisErrorCode.AlreadyClosed, 'A therapist has already closed this alert.');
    record.withdrawnAt = now;
    await this.events.update({ id: record.id }, { withdrawnAt: now });
    this.notifier.toTherapists(sessionId, 'crisis:updated', { sessionId, alert: this.view(record) });
    return { alertId, withdrawnAt: now.toISOString() };
  }

  /** A therapist closes an alert with an outcome; the patient is told it is resolved. */
  async resolve(userId: string, sessionId: string, alertId: string, outcome: CrisisOutcome, now = new Date()): Promise<CrisisAlertView> {
    this.rooms.requireTherapist(userId, sessionId);
    const record = await this.events.findOne({ where: { id: alertId, sessionId } });
    if (!record) throw new CrisisError(CrisisErrorCode.AlertNotFound, 'No such alert in this session.');
    if (record.resolvedAt) throw new CrisisError(CrisisErrorCode.AlreadyClosed, 'This alert is already resolved.');
    const update = { resolvedAt: now, resolvedBy: userId, outcome, ...(record.acknowledgedAt ? {} : { acknowledgedAt: now, acknowledgedBy: userId }) };
    Object.assign(record, update);
    await this.events.update({ id: record.id }, update);
    const alert = this.view(record);
    this.notifier.toTherapists(sessionId, 'crisis:updated', { sessionId, alert });
    if (!record.withdrawnAt) this.notifier.toUser(record.userId, 'crisis:resolved', { sessionId, alertId, resolvedAt: now.toISOString() });
    return alert;
  }

  /** Moves a patient, with therapists (default: the caller), into a private side room. */
  async moveToSideRoom(
    userId: string,
    req: { sessionId: string; userId: string; therapistUserIds?: string[] },
    now = new Date(),
  ): Promise<SideRoomView> {
    const { sessionId } = req;
    this.rooms.requireTherapist(userId, sessionId);
    const live = this.rooms.liveSession(sessionId)!;
    const patient = live.member(req.userId);
    if (!patient || patient.state !== 'admitted' || patient.role !== 'patient') {
      throw new CrisisError(CrisisErrorCode.NotPresent, 'That patient is not in the room.');
    }
    const therapists = req.therapistUserIds ?? [userId];
    for (const id of therapists) {
      const t = live.member(id);
      if (!t || t.state !== 'admitted' || t.role !== 'therapist') {
        throw new CrisisError(CrisisErrorCode.NotPresent, 'That therapist is not in the room.');
      }
    }
    const rooms = this.roomsOf(sessionId);
    const view = rooms.open(patient.userId, therapists, now);
    this.liveState.changed(sessionId);
    await this.rooms.setMediaPartition(sessionId, view.userIds, SideRooms.partitionFor(patient.userId));

    // Recorded on the patient's latest alert still in play, or as a new event raised by the therapist.
    const open = await this.events.findOne({
      where: { sessionId, userId: patient.userId, sideRoomAt: IsNull() },
      order: { raisedAt: 'DESC' },
    });
    const record = open ?? this.events.create(await this.newEvent(sessionId, patient, userId, now));
    Object.assign(record, { sideRoomAt: now, sideRoomBy: userId, sideRoomTherapists: view.userIds.slice(1) });
    await this.events.save(record);
    this.pushSideRoom(sessionId, patient.userId, view);
    this.tellGroupIfAlone(sessionId);
    return view;
  }

  async returnToGroup(userId: string, sessionId: string, patientUserId: string, now = new Date()): Promise<void> {
    this.rooms.requireTherapist(userId, sessionId);
    const members = this.roomsOf(sessionId).close(patientUserId);
    this.liveState.changed(sessionId);
    for (const id of members) this.listening.set(sessionId, id, false);
    await this.rooms.setMediaPartition(sessionId, members, null);
    await this.events.update(
      { sessionId, userId: patientUserId, returnedAt: IsNull(), sideRoomAt: Not(IsNull()) },
      { returnedAt: now, returnedBy: userId },
    );
    this.pushSideRoom(sessionId, patientUserId, null);
    this.tellGroupIfAlone(sessionId);
  }

  /**
   * A therapist in a side room keeps hearing the group (their microphone still
   * reaches the side room only), or stops. Only while in a side room; back in
   * the group it is off again, so the next side room starts focused on the patient.
   */
  async listenToGroup(userId: string, sessionId: string, on: boolean): Promise<{ listening: boolean }> {
    this.rooms.requireTherapist(userId, sessionId);
    if (on && !this.sideRooms.get(sessionId)?.roomOf(userId)) {
      throw new CrisisError(CrisisErrorCode.NotPresent, 'You are not in a side room.');
    }
    if (this.listening.set(sessionId, userId, on)) await this.rooms.refreshMedia(sessionId);
    return { listening: on };
  }

  async state(userId: string, sessionId: string): Promise<CrisisState> {
    const member = this.rooms.liveSession(sessionId)?.member(userId);
    if (!member || member.state === 'left') throw new RoomError(RoomErrorCode.NotAParticipant, 'You are not part of this session.');
    const rooms = this.roomsOf(sessionId);
    if (member.role === 'therapist' && member.state === 'admitted') {
      const records = await this.events.find({ where: { sessionId }, order: { raisedAt: 'DESC' } });
      if (records.length > 0) {
        await this.audit.append(
          [...new Set(records.map((r) => r.userId))].map((subjectUserId) => ({
            actorUserId: userId,
            action: 'crisis.alerts_read' as const,
            subjectUserId,
            objectType: 'session',
            objectId: sessionId,
            purpose: 'emergency',
          })),
        );
      }
      return { alerts: records.map((r) => this.view(r)), sideRooms: rooms.all(), listeningToGroup: this.listening.listens(sessionId, userId) };
    }
    const own = await this.events.find({
      where: { sessionId, userId, raisedBy: userId, returnedAt: IsNull(), withdrawnAt: IsNull(), resolvedAt: IsNull() },
      order: { raisedAt: 'DESC' },
      take: 1,
    });
    const mine = rooms.roomOf(userId);
    // Someone arriving (or coming back) while the group is alone learns it like those already there.
    const away = !mine && this.groupAlone.has(sessionId) ? this.therapistsAwayNames(sessionId) : null;
    return { alerts: own.map((r) => this.view(r)), sideRooms: mine ? [rooms.view(mine)!] : [], therapistsAway: away };
  }

  /** The therapists present who are all in side rooms just now (names only). */
  private therapistsAwayNames(sessionId: string): string[] {
    const rooms = this.sideRooms.get(sessionId);
    const therapists = this.rooms.liveSession(sessionId)?.therapistsPresent() ?? [];
    return therapists.filter((t) => rooms?.roomOf(t.userId)).map((t) => t.displayName);
  }

  // -------------------------------------------------------------------------

  /** A crisis alert discloses the patient's location and callback number to each therapist present: one entry per recipient. */
  private auditDisclosure(sessionId: string, record: CrisisEventRecord): void {
    const therapists = (this.rooms.liveSession(sessionId)?.present() ?? []).filter((m) => m.role === 'therapist').map((m) => m.userId);
    void this.audit
      .append(
        (therapists.length ? therapists : [null]).map((to) => ({
          actorUserId: record.raisedBy,
          action: 'crisis.alert_delivered' as const,
          subjectUserId: record.userId,
          objectType: 'crisis_event',
          objectId: record.id,
          purpose: 'emergency',
          details: { disclosedToUserId: to, disclosed: ['location', 'callback_number'] },
        })),
      )
      .catch((e: unknown) => this.logger.error(`audit of a crisis alert failed: ${e instanceof Error ? e.message : 'unknown'}`));
  }

  private roomsOf(sessionId: string): SideRooms {
    let rooms = this.sideRooms.get(sessionId);
    if (!rooms) {
      rooms = new SideRooms();
      this.sideRooms.set(sessionId, rooms);
    }
    return rooms;
  }

  private async newEvent(sessionId: string, patient: Member, raisedBy: string, now: Date): Promise<Partial<CrisisEventRecord>> {
    const safety = await this.safetyChecks.findOne({
      where: { sessionId, userId: patient.userId },
      order: { createdAt: 'DESC' },
    });
    return {
      sessionId,
      userId: patient.userId,
      raisedBy,
      raisedAt: now,
      location: safety?.location ?? null,
      callbackNumber: safety?.callbackNumber ?? null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      sideRoomAt: null,
      sideRoomBy: null,
      sideRoomTherapists: null,
      returnedAt: null,
      returnedBy: null,
      withdrawnAt: null,
      resolvedAt: null,
      resolvedBy: null,
      outcome: null,
    };
  }

  private view(r: CrisisEventRecord, member?: Member): CrisisAlertView {
    const m = member ?? this.rooms.liveSession(r.sessionId)?.member(r.userId);
    return {
      id: r.id,
      sessionId: r.sessionId,
      userId: r.userId,
      displayName: m?.displayName ?? '',
      raisedByUserId: r.raisedBy,
      raisedAt: r.raisedAt.toISOString(),
      location: r.location,
      callbackNumber: r.callbackNumber,
      acknowledgedByUserId: r.acknowledgedBy,
      acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
      withdrawnAt: r.withdrawnAt?.toISOString() ?? null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      resolvedByUserId: r.resolvedBy,
      outcome: (r.outcome as CrisisOutcome | null) ?? null,
    };
  }

  /** Therapists and the patient concerned; nobody else hears of a side room. */
  private pushSideRoom(sessionId: string, patientUserId: string, sideRoom: SideRoomView | null): void {
    const payload = { sessionId, patientUserId, sideRoom };
    this.notifier.toTherapists(sessionId, 'crisis:sideRoomChanged', payload);
    this.notifier.toUser(patientUserId, 'crisis:sideRoomChanged', payload);
  }

  /** The session ended: every side room is over, and its record says so (who ended it, when). */
  private async sessionEnded(sessionId: string, endedBy: string, now = new Date()): Promise<void> {
    this.sideRooms.delete(sessionId);
    await this.events.update(
      { sessionId, returnedAt: IsNull(), sideRoomAt: Not(IsNull()) },
      { returnedAt: now, returnedBy: endedBy },
    );
  }

  /**
   * The group is told when no therapist is left with them (all are in side rooms),
   * and again when one is back. Only therapists' names travel, never the patient's.
   */
  private tellGroupIfAlone(sessionId: string): void {
    const live = this.rooms.liveSession(sessionId);
    const rooms = this.sideRooms.get(sessionId);
    if (!live) return;
    const therapists = live.therapistsPresent();
    const away = therapists.filter((t) => rooms?.roomOf(t.userId));
    const alone = therapists.length > 0 && away.length === therapists.length;
    const inSideRooms = rooms?.all().flatMap((r) => r.userIds) ?? [];
    const wasAlone = this.groupAlone.has(sessionId);
    if (alone === wasAlone) return;
    if (alone) this.groupAlone.add(sessionId);
    else this.groupAlone.delete(sessionId);
    this.notifier.toSession(sessionId, { except: inSideRooms }, 'crisis:therapistAway', {
      sessionId,
      away: alone,
      therapistNames: away.map((t) => t.displayName),
    });
  }

  private async memberLeft(sessionId: string, userId: string): Promise<void> {
    const rooms = this.sideRooms.get(sessionId);
    if (!rooms?.roomOf(userId)) return;
    const { closed, members } = rooms.leave(userId);
    this.liveState.changed(sessionId);
    this.listening.set(sessionId, userId, false);
    if (closed) for (const id of members) this.listening.set(sessionId, id, false);
    if (!closed) return;
    await this.rooms.setMediaPartition(sessionId, members, null);
    this.pushSideRoom(sessionId, closed, null);
    this.tellGroupIfAlone(sessionId);
  }

  private fail(err: unknown): void {
    this.logger.error(`side room update failed: ${err instanceof Error ? err.message : 'unknown'}`);
  }
}
