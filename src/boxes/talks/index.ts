import { isGuardian, notYetBox } from '../../web/box.js'

/**
 * Utvecklingssamtal: shown to guardians only while the child has bookable times or a
 * booking (SPEC.md section 1). The booking pages are not built yet.
 */
export const talks = notYetBox({
  key: 'talks',
  path: 'talks',
  title: () => 'boxes.talks',
  guardianOnly: true,
  visible: (a) => isGuardian(a),
  async available({ db, clock, child }) {
    const now = clock.now()
    const row = await db.selectNoFrom((eb) => eb.or([
      eb.exists(
        eb.selectFrom('talk_slots as s')
          .innerJoin('group_memberships as gm', 'gm.group_id', 's.group_id')
          .leftJoin('talk_bookings as b', 'b.slot_id', 's.id')
          .select('s.id')
          .where('gm.child_id', '=', child.id)
          .where('s.starts_at', '>', now)
          .where('b.slot_id', 'is', null),
      ),
      eb.exists(
        eb.selectFrom('talk_bookings as b').innerJoin('talk_slots as s', 's.id', 'b.slot_id')
          .select('b.slot_id').where('b.child_id', '=', child.id).where('s.starts_at', '>', now),
      ),
    ]).as('available')).executeTakeFirstOrThrow()
    return Boolean(row.available)
  },
})
