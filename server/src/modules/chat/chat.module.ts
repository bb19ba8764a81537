import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChatService } from './chat.service';
import { ChatMessageRecord } from './entities/chat-message.entity';

/** Chat in live sessions. `rooms` is the registered RoomsModule (it provides RoomsService). */
@Module({})
export class ChatModule {
  static register(rooms: DynamicModule): DynamicModule {
    return {
      module: ChatModule,
      imports: [TypeOrmModule.forFeature([ChatMessageRecord]), rooms],
      providers: [ChatService],
      exports: [ChatService],
    };
  }
}
