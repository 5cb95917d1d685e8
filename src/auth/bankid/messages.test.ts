import t from 'tap'
import { readFileSync } from 'node:fs'
import { errorMessage, failedMessage, MESSAGE_IDS, pendingMessage } from './messages.js'

t.test('pending hintCodes: BankID\'s recommended messages', async (t) => {
  t.equal(pendingMessage('outstandingTransaction', 'qr'), 'RFA1')
  t.equal(pendingMessage('outstandingTransaction', 'device'), 'RFA13')
  t.equal(pendingMessage('noClient', 'qr'), 'RFA1')
  t.equal(pendingMessage('noClient', 'device'), 'RFA1')
  t.equal(pendingMessage('started', 'device'), 'RFA14')
  t.equal(pendingMessage('started', 'qr'), 'RFA15')
  t.equal(pendingMessage('userMrtd', 'qr'), 'RFA23')
  t.equal(pendingMessage('userCallConfirm', 'qr'), 'callConfirm')
  t.equal(pendingMessage('userSign', 'qr'), 'RFA9')
  t.equal(pendingMessage('somethingNew', 'qr'), 'RFA21', 'an unknown pending hintCode: in progress')
  t.equal(pendingMessage(undefined, 'device'), 'RFA21')
})

t.test('failed hintCodes', async (t) => {
  t.equal(failedMessage('expiredTransaction', 'qr'), 'RFA8')
  t.equal(failedMessage('certificateErr', 'qr'), 'RFA16')
  t.equal(failedMessage('userCancel', 'qr'), 'RFA6')
  t.equal(failedMessage('cancelled', 'device'), 'RFA3')
  t.equal(failedMessage('startFailed', 'qr'), 'RFA17B')
  t.equal(failedMessage('startFailed', 'device'), 'RFA17A')
  t.equal(failedMessage('somethingNew', 'qr'), 'RFA22', 'an unknown failure: unknown error')
})

t.test('API errors', async (t) => {
  t.equal(errorMessage('alreadyInProgress'), 'RFA4')
  for (const c of ['requestTimeout', 'maintenance', 'internalError', 'timeout', 'transport'] as const) t.equal(errorMessage(c), 'RFA5', c)
  for (const c of ['invalidParameters', 'unauthorized', 'notFound', 'unknown'] as const) t.equal(errorMessage(c), 'RFA22', c)
})

t.test('every message has a text in Swedish and English', async (t) => {
  for (const lang of ['sv', 'en']) {
    const texts = JSON.parse(readFileSync(new URL(`../../../locales/${lang}/bankid.json`, import.meta.url), 'utf8')).messages as Record<string, string>
    for (const id of MESSAGE_IDS) t.ok(texts[id] && texts[id].length > 5, `${lang} ${id}`)
    t.same(Object.keys(texts).sort(), [...MESSAGE_IDS].sort(), `${lang}: no text without a use`)
  }
})
