import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { RoomJoinRequest } from '@hearth/protocol';
import { SafetyCheckRecord } from './entities/safety-check.entity';
import { RoomError, RoomErrorCode } from './rooms.error';

/** A patient's pre-join safety check and consent, recorded once per session (a rejoin reuses it). */
@Injectable()
export class SafetyCheckRecorder {
  constructor(@InjectRepository(SafetyCheckRecord) private readonly safetyChecks: Repository<SafetyCheckRecord>) {}

  /** Records the check sent with the join, or throws what is still missing. */
  async record(req: RoomJoinRequest, userId: string, guest = false): Promise<void> {
    // A family guest consents to the group agreement but has no location or callback to give.
    if (guest && req.consent && !req.safety) {
      await this.safetyChecks.insert({
        sessionId: req.sessionId,
        userId,
        location: '',
        callbackNumber: '',
        consentVersion: req.consent.telehealthConsentVersion,
        groupAgreement: req.consent.groupAgreement,
      });
      return;
    }
    if (req.safety && req.consent) {
      await this.safetyChecks.insert({
        sessionId: req.sessionId,
        userId,
        location: req.safety.location,
        callbackNumber: req.safety.callbackNumber,
        consentVersion: req.consent.telehealthConsentVersion,
        groupAgreement: req.consent.groupAgreement,
      });
      return;
    }
    // Rejoining after a dropped connection: the check done earlier in this session stands.
    const done = await this.safetyChecks.exist({ where: { sessionId: req.sessionId, userId } });
    if (done) return;
    if (!req.safety && !guest) {
      throw new RoomError(RoomErrorCode.SafetyCheckRequired, 'Confirm where you are and a callback number before joining.');
    }
    throw new RoomError(RoomErrorCode.ConsentRequired, 'Accept the telehealth consent and the group agreement before joining.');
  }
}
