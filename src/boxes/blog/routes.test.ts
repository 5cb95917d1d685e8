import t from 'tap'
import { buildTestApp, loginAs } from '../../../test/helpers/app.js'
import { mayComment } from './service.js'

const ctx = await buildTestApp()
t.teardown(() => ctx.close())
const { app, db, world } = ctx

const postOf = async (groupId: number) => (await db.selectFrom('blog_posts').select('id').where('group_id', '=', groupId).orderBy('published_at', 'desc').executeTakeFirstOrThrow()).id
const comments = async (postId: number) => db.selectFrom('blog_comments').select(['id', 'author_id', 'body']).where('post_id', '=', postId).orderBy('id').execute()

t.test('the rule: school pupils and staff comment, preschool guardians and staff', async (t) => {
  t.ok(mayComment('pupil', 'school'))
  t.notOk(mayComment('guardian', 'school'))
  t.ok(mayComment('guardian', 'preschool'))
  t.ok(mayComment('staff', 'school'))
  t.ok(mayComment('staff', 'preschool'))
})

t.test('all the child\'s groups or one; other families 404', async (t) => {
  const anna = await loginAs(app, 'anna.lind')
  const all = await anna.get(`/children/${world.elsa}/blog`)
  t.equal(all.statusCode, 200)
  t.match(all.body, /Vi bygger vulkaner/)
  t.notMatch(all.body, /Höstpyssel/)
  const one = await anna.get(`/children/${world.elsa}/blog?group=${world.class4B}`)
  t.match(one.body, /aria-current="page">4B/)
  t.equal((await anna.get(`/children/${world.elsa}/blog?group=${world.blaklockan}`)).statusCode, 404, 'a group the child is not in')
  const maria = await loginAs(app, 'maria.nilsson')
  t.equal((await maria.get(`/children/${world.elsa}/blog`)).statusCode, 404)
  const frag = await anna.get(`/children/${world.elsa}/blog`, { 'hx-request': 'true' })
  t.notMatch(frag.body, /<html/)
})

t.test('school: elsa comments, anna cannot (a crafted POST is 403, nothing stored)', async (t) => {
  const post = await postOf(world.class4B)
  const before = (await comments(post)).length
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get(`/children/${world.elsa}/blog/posts/${post}`)
  t.notMatch(page.body, /name="comment"/, 'no form for guardians at school')
  t.match(page.body, /Min vulkan är röd/)
  const crafted = await anna.post(`/children/${world.elsa}/blog/posts/${post}/comments`, { comment: 'Får jag?', key: 'crafted-key-1' })
  t.equal(crafted.statusCode, 403)
  const craftedEmpty = await anna.post(`/children/${world.elsa}/blog/posts/${post}/comments`, { comment: '' })
  t.equal(craftedEmpty.statusCode, 403)
  t.equal((await comments(post)).length, before)

  const elsa = await loginAs(app, 'elsa.lind')
  await elsa.get(`/children/${world.elsa}/blog/posts/${post}`)
  const empty = await elsa.post(`/children/${world.elsa}/blog/posts/${post}/comments`, { comment: '', key: 'elsa-key-0001' })
  t.equal(empty.statusCode, 422)
  t.match(empty.body, /id="comment-error"/)
  const ok = await elsa.post(`/children/${world.elsa}/blog/posts/${post}/comments`, { comment: 'Vulkanen <b>sprutade</b>!', key: 'elsa-key-0002' })
  t.equal(ok.statusCode, 303)
  const twice = await elsa.post(`/children/${world.elsa}/blog/posts/${post}/comments`, { comment: 'Vulkanen <b>sprutade</b>!', key: 'elsa-key-0002' })
  t.equal(twice.statusCode, 303)
  const after = await comments(post)
  t.equal(after.length, before + 1, 'a double submit comments once')
  const shown = await elsa.get(`/children/${world.elsa}/blog/posts/${post}`)
  t.match(shown.body, /Vulkanen &lt;b&gt;sprutade&lt;\/b&gt;!/)

  // Authors remove their own; not others'.
  const mine = after[after.length - 1]!
  const others = after.find((c) => c.author_id !== world.elsa)
  if (others) t.equal((await elsa.post(`/children/${world.elsa}/blog/comments/${others.id}/remove`)).statusCode, 403)
  t.equal((await anna.post(`/children/${world.elsa}/blog/comments/${mine.id}/remove`)).statusCode, 403, 'not the author')
  t.equal((await elsa.post(`/children/${world.elsa}/blog/comments/${mine.id}/remove`)).statusCode, 303)
  t.equal((await comments(post)).length, before)
})

t.test('preschool: anna comments on Blåklockan\'s blog for Olle', async (t) => {
  const post = await postOf(world.blaklockan)
  const anna = await loginAs(app, 'anna.lind')
  const page = await anna.get(`/children/${world.olle}/blog/posts/${post}`)
  t.match(page.body, /name="comment"/)
  const res = await anna.post(`/children/${world.olle}/blog/posts/${post}/comments`, { comment: 'Tack för i dag!', key: 'anna-key-0001' })
  t.equal(res.statusCode, 303)
  t.ok((await comments(post)).some((c) => c.author_id === world.anna && c.body === 'Tack för i dag!'))
  t.equal((await anna.post(`/children/${world.elsa}/blog/posts/${post}/comments`, { comment: 'x' })).statusCode, 404, 'through a child who does not see the post')
})

t.test('staff: publish only to their own groups, remove comments on their group\'s blog only', async (t) => {
  const karin = await loginAs(app, 'karin.berg')
  const idx = await karin.get('/staff/blog')
  t.equal(idx.statusCode, 200)
  const boundary = '----b' + Date.now()
  const body = (fields: Record<string, string>) => Buffer.from(Object.entries({ _csrf: karin.csrf, ...fields })
    .map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('') + `--${boundary}--\r\n`)
  await karin.get('/staff/blog/posts/new')
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: karin.cookie }
  const other = await app.inject({ method: 'POST', url: '/staff/blog/posts', headers, payload: body({ key: 'karin-post-01', group: String(world.blaklockan), title: 'Fel grupp', body: 'x' }) })
  t.equal(other.statusCode, 422)
  t.match(other.body, /id="group-error"/)
  t.equal((await db.selectFrom('blog_posts').select('id').where('title', '=', 'Fel grupp').execute()).length, 0)
  const before = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  const ok = await app.inject({ method: 'POST', url: '/staff/blog/posts', headers, payload: body({ key: 'karin-post-02', group: String(world.class4B), title: 'Nytt inlägg', body: 'Hej 4B' }) })
  t.equal(ok.statusCode, 303)
  const after = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  t.ok(Number(after.n) > Number(before.n), 'guardians and pupils are told')

  const pre = await postOf(world.blaklockan)
  const preComment = (await comments(pre))[0]!
  t.equal((await karin.post(`/staff/blog/comments/${preComment.id}/remove`)).statusCode, 404, 'another unit\'s blog')
  t.equal((await karin.get(`/staff/blog/posts/${pre}`)).statusCode, 404)
  const post = await postOf(world.class4B)
  const vulkan = (await db.selectFrom('blog_posts').select('id').where('title', '=', 'Vi bygger vulkaner').executeTakeFirstOrThrow()).id
  const c = (await comments(vulkan))[0]!
  t.equal((await karin.post(`/staff/blog/comments/${c.id}/remove`)).statusCode, 303)
  t.equal((await comments(vulkan)).some((x) => x.id === c.id), false)
  const unpublish = await karin.post(`/staff/blog/posts/${post}/unpublish`)
  t.equal(unpublish.statusCode, 303)
  const elsa = await loginAs(app, 'elsa.lind')
  t.equal((await elsa.get(`/children/${world.elsa}/blog/posts/${post}`)).statusCode, 404, 'unpublished')
})
