import type { Db } from '../../db/index.js'
import type { Clock } from '../../clock.js'
import type { DemoWorld } from '../../demo/seed.js'
import { createNotifications } from '../../notify/notifications.js'
import * as q from './queries.js'

/**
 * Demo: Anna Lind asked Karin Berg (Elsa's mentor) about Thursday's outing last evening;
 * Karin answered this morning, and Anna has not read the answer yet.
 */
export async function seedMessagesDemo(db: Db, clock: Clock, world: DemoWorld): Promise<void> {
  const now = clock.now().getTime()
  const askedAt = new Date(now - 11 * 3600_000 - 25 * 60_000)
  const answeredAt = new Date(now - 20 * 60_000)
  const conversationId = (await q.insertConversation(db, { childId: world.elsa, title: 'Utflykten på torsdag', createdBy: world.anna, now: askedAt, key: null }))!
  await q.insertParticipants(db, conversationId, [
    { personId: world.anna, side: 'family' },
    { personId: world.karin, side: 'staff' },
  ], world.anna, askedAt)
  await db.updateTable('conversation_participants').set({ unread_count: 0, last_read_at: answeredAt })
    .where('conversation_id', '=', conversationId).where('person_id', '=', world.karin).execute()
  await q.insertMessage(db, {
    conversationId, authorId: world.anna, now: askedAt, key: null,
    body: 'Hej Karin!\n\nElsa undrar om de ska ha med egen matsäck till utflykten på torsdag, eller om skolan ordnar lunch? Behöver hon ombyteskläder?\n\nHälsningar\nAnna',
  })
  await q.insertMessage(db, {
    conversationId, authorId: world.karin, now: answeredAt, key: null,
    body: 'Hej Anna!\n\nSkolan ordnar lunch, men ta gärna med en frukt och en vattenflaska. Ombyteskläder behövs bara om det regnar, så titta på prognosen på onsdag kväll.\n\nVänliga hälsningar\nKarin',
  })
  await q.bumpAfterReply(db, conversationId, world.karin, answeredAt)
  await createNotifications(db, {
    recipientIds: [world.anna], childId: world.elsa, area: 'messages', kind: 'messageReceived',
    params: { from: 'Karin Berg' }, link: `/children/${world.elsa}/messages/${conversationId}`, now: answeredAt,
  })
}
