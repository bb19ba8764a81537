import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import {
  chatDeleteSchema,
  chatHistorySchema,
  chatSendSchema,
  chatSetPatientPrivateSchema,
  type Ack,
  type ChatHistory,
  type ChatMessage,
} from '@hearth/protocol';
import { ChatService } from '../chat/chat.service';
import { handleRequest } from './ack';
import type { HearthSocket } from './realtime.gateway';

type Empty = Record<string, never>;

/** Chat events. Thin: validate, caller from the handshake (never the payload), ChatService, ack. */
@WebSocketGateway()
export class ChatGateway {
  constructor(private readonly chat: ChatService) {}

  @SubscribeMessage('chat:send')
  send(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<ChatMessage>> {
    return handleRequest('chat:send', chatSendSchema, p, (r) => this.chat.send(s.data.userId, r, new Date(), { guest: s.data.role === 'family' }));
  }

  @SubscribeMessage('chat:delete')
  delete(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<Empty>> {
    return handleRequest('chat:delete', chatDeleteSchema, p, async (r) => {
      await this.chat.delete(s.data.userId, r.sessionId, r.messageId);
      return {};
    });
  }

  @SubscribeMessage('chat:history')
  history(@ConnectedSocket() s: HearthSocket, @MessageBody() p: unknown): Promise<Ack<ChatHistory>> {
    return handleRequest('chat:history', chatHistorySchema, p, (r) => this.chat.history(s.data.userId, r.sessionId, { guest: s.data.role === 'family' }));
  }

  @SubscribeMessage('chat:setPatientPrivateChat')
  setPatientPrivateChat(
    @ConnectedSocket() s: HearthSocket,
    @MessageBody() p: unknown,
  ): Promise<Ack<{ patientPrivateChatAllowed: boolean }>> {
    return handleRequest('chat:setPatientPrivateChat', chatSetPatientPrivateSchema, p, (r) =>
      this.chat.setPatientPrivateChat(s.data.userId, r.sessionId, r.allowed),
    );
  }
}
