import type { Generated } from 'kysely'
import type { Timestamp } from '../../db/types.js'

export interface ConversationTable {
  id: Generated<number>
  child_id: number
  title: string
  created_by: number
  created_at: Timestamp
  last_message_at: Timestamp
  idempotency_key: string | null
}

export interface ConversationParticipantTable {
  conversation_id: number
  person_id: number
  side: 'family' | 'staff'
  unread_count: Generated<number>
  last_read_at: Timestamp | null
  /** The conversation's last_message_at, kept by triggers (migration 0102): the inbox's order. */
  last_message_at: Generated<Timestamp>
}

export interface MessageTable {
  id: Generated<number>
  conversation_id: number
  author_id: number
  body: string
  created_at: Timestamp
  idempotency_key: string | null
}

export interface MessagesTables {
  conversations: ConversationTable
  conversation_participants: ConversationParticipantTable
  messages: MessageTable
}
