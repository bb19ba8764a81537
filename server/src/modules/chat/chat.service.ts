import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { CHAT_HISTORY_LIMIT, CHAT_RATE_LIMIT, type ChatHistory, type ChatMessage } from '@hearth/protocol';
import { AuditService } from '../audit/audit.service';
import { Notifier } from '../realtime/notifier';
import type { Member } from '../rooms/domain/live-session';
import { RoomsService } from '../rooms/rooms.service';
import { ChatError, ChatErrorCode } from './chat.error';
import { LiveStateStore } from '../rooms/live-state/live-state.store';
import { ChatRules, chatRulesSnapshotSchema } from './domain/chat-policy';
import { RateLimiter } from '../../common/rate-limiter';
import { ChatMessageRecord } from './entities/chat-message.entity';
import { AttendanceSegment } from '../rooms/entities/attendance-segment.entity';
import { User } from '../users/entities/user.entity';

/** Who asks: a family guest (a scoped sign-in) reads and writes the group chat only, from their admission on. */
export interface ChatCaller {
  guest?: boolean;
}

/**
 * Chat of live sessions: checks with ChatRules, stores in PostgreSQL, then
 * pushes to exactly the people a message is for. Message text is never logged.
 */
@Injectable()
export class ChatService implements OnModuleInit {
  private readonly rules = new Map<string, ChatRules>();
  private readonly limiter = new RateLimiter(CHAT_RATE_LIMIT.burst, CHAT_RATE_LIMIT.refillPerSecond);

  constructor(
    private readonly rooms: RoomsService,
    private readonly notifier: Notifier,
    @InjectRepository(ChatMessageRecord) private readonly messages: Repository<ChatMessageRecord>,
    private readonly audit: AuditService,
    private readonly liveState: LiveStateStore,
  ) {
    liveState.register({
      key: 'chat',
      order: 10,
      schema: chatRulesSnapshotSchema,
      capture: (sessionId) => this.rules.get(sessionId)?.toSnapshot(),
      restore: (sessionId, state) => this.rulesFor(sessionId).restore(state),
      drop: (sessionId) => {
        this.rules.delete(sessionId);
        this.limiter.forget(`${sessionId}:`);
      },
    });
  }

  onModuleInit(): void {
    this.rooms.onPresence((e) => {
      if (e.kind !== 'ended') return;
      this.rules.delete(e.sessionId);
      this.limiter.forget(`${e.sessionId}:`);
    });
  }

  async send(
    userId: string,
    req: { sessionId: string; text: string; toUserId?: string },
    now = new Date(),
    caller: ChatCaller = {},
  ): Promise<ChatMessage> {
    const { sessionId } = req;
    const from = this.rooms.requireAdmitted(userId, sessionId);
    let to: Member | null = null;
    if (req.toUserId) {
      if (caller.guest) throw new ChatError(ChatErrorCode.RecipientNotAllowed, 'Family members write to the whole group.');
      to = this.rooms.liveSession(sessionId)?.member(req.toUserId) ?? null;
      if (!to || to.state !== 'admitted') {
        throw new ChatError(ChatErrorCode.RecipientNotFound, 'That person is not in this session.');
      }
      // A family guest has no private messages, either way.
      if (await this.isFamilyGuest(to.userId)) throw new ChatError(ChatErrorCode.RecipientNotAllowed, 'Family members take part in the group chat only.');
    }
    const text = this.rulesFor(sessionId).accept(from, to, req.text);
    const record = await this.messages.save(
      this.messages.create({
        sessionId,
        fromUserId: userId,
        fromDisplayName: from.displayName,
        toUserId: to?.userId ?? null,
        text,
        sentAt: now,
        deletedAt: null,
        deletedBy: null,
      }),
    );
    const message = toView(record);
    this.deliver(record, (to) =>
      'session' in to
        ? this.notifier.toSession(to.session, {}, 'chat:messageSent', { sessionId, message })
        : this.notifier.toUser(to.user, 'chat:messageSent', { sessionId, message }),
    );
    return message;
  }

  /** Therapists delete any message of their session, for everyone who received it. */
  async delete(userId: string, sessionId: string, messageId: string, now = new Date()): Promise<void> {
    this.rooms.requireTherapist(userId, sessionId);
    const record = await this.messages.findOne({ where: { id: messageId, sessionId } });
    if (!record || record.deletedAt) throw new ChatError(ChatErrorCode.MessageNotFound, 'That message is gone.');
    await this.messages.update({ id: messageId }, { deletedAt: now, deletedBy: userId });
    this.deliver(record, (to) =>
      'session' in to
        ? this.notifier.toSession(to.session, {}, 'chat:messageDeleted', { sessionId, messageId })
        : this.notifier.toUser(to.user, 'chat:messageDeleted', { sessionId, messageId }),
    );
  }

  /**
   * Group messages and the caller's own private ones, oldest first. A family
   * guest gets the group messages sent since they were first admitted (their
   * first attendance segment), never what was said before they came.
   */
  async history(userId: string, sessionId: string, caller: ChatCaller = {}): Promise<ChatHistory> {
    const member = this.rooms.requireAdmitted(userId, sessionId);
    const query = this.messages.createQueryBuilder('m').where('m.session_id = :sessionId AND m.deleted_at IS NULL', { sessionId });
    if (caller.guest) {
      query.andWhere('m.to_user_id IS NULL AND m.sent_at >= :since', { since: await this.admittedSince(userId, sessionId) });
    } else {
      query.andWhere('(m.to_user_id IS NULL OR m.from_user_id = :userId OR m.to_user_id = :userId)', { userId });
    }
    const rows = await query.orderBy('m.seq', 'DESC').limit(CHAT_HISTORY_LIMIT).getMany();
    await this.audit.record({
      actorUserId: userId,
      action: 'chat.history_read',
      subjectUserId: member.role === 'patient' && !caller.guest ? userId : null,
      objectType: 'session_chat',
      objectId: sessionId,
      purpose: 'treatment',
    });
    return {
      messages: rows.reverse().map(toView),
      patientPrivateChatAllowed: this.rulesFor(sessionId).patientPrivateChatAllowed,
    };
  }

  setPatientPrivateChat(userId: string, sessionId: string, allowed: boolean): { patientPrivateChatAllowed: boolean } {
    this.rooms.requireTherapist(userId, sessionId);
    this.rulesFor(sessionId).setPatientPrivateChat(allowed);
    this.liveState.changed(sessionId);
    this.notifier.toSession(sessionId, {}, 'chat:settingsChanged', { sessionId, patientPrivateChatAllowed: allowed });
    return { patientPrivateChatAllowed: allowed };
  }

  /** When a guest first came into the room; now if nothing is recorded yet (so nothing earlier shows). */
  private async admittedSince(userId: string, sessionId: string): Promise<Date> {
    const first = await this.messages.manager
      .getRepository(AttendanceSegment)
      .findOne({ where: { sessionId, userId }, order: { joinedAt: 'ASC' } });
    return first?.joinedAt ?? new Date();
  }

  private async isFamilyGuest(userId: string): Promise<boolean> {
    const user = await this.messages.manager.getRepository(User).findOne({ where: { id: userId }, select: { id: true, role: true } });
    return user?.role === 'family';
  }

  private rulesFor(sessionId: string): ChatRules {
    let rules = this.rules.get(sessionId);
    if (!rules) {
      rules = new ChatRules(sessionId, this.limiter);
      this.rules.set(sessionId, rules);
    }
    return rules;
  }

  /** A group message goes to the room; a private one to its two people only (all their tabs). */
  private deliver(record: ChatMessageRecord, push: (to: { session: string } | { user: string }) => void): void {
    if (record.toUserId === null) push({ session: record.sessionId });
    else for (const user of [record.fromUserId, record.toUserId]) push({ user });
  }
}

function toView(r: ChatMessageRecord): ChatMessage {
  return {
    id: r.id,
    sessionId: r.sessionId,
    fromUserId: r.fromUserId,
    fromDisplayName: r.fromDisplayName,
    toUserId: r.toUserId,
    text: r.text,
    sentAt: r.sentAt.toISOString(),
  };
}
