import type { BankIdErrorCode } from './client.js'

/**
 * What the person is told, following BankID's recommended user messages (RFA1..RFA23):
 * a message id per order state and hintCode (collect) or error code (auth). The texts,
 * in our own words after BankID's guidance, are in locales/<lang>/bankid.json under
 * `messages.<id>`.
 */
export type MessageId =
  | 'RFA1' | 'RFA3' | 'RFA4' | 'RFA5' | 'RFA6' | 'RFA8' | 'RFA9' | 'RFA13' | 'RFA14' | 'RFA15'
  | 'RFA16' | 'RFA17A' | 'RFA17B' | 'RFA21' | 'RFA22' | 'RFA23' | 'callConfirm'

/** How the order was started: the app on this device (autostart) or a phone scanning the QR code. */
export type StartMode = 'device' | 'qr'

export function pendingMessage(hintCode: string | undefined, mode: StartMode): MessageId {
  switch (hintCode) {
    case 'outstandingTransaction': return mode === 'device' ? 'RFA13' : 'RFA1'
    case 'noClient': return 'RFA1'
    case 'started': return mode === 'device' ? 'RFA14' : 'RFA15'
    case 'userMrtd': return 'RFA23'
    case 'userCallConfirm': return 'callConfirm'
    case 'userSign': return 'RFA9'
    default: return 'RFA21'
  }
}

export function failedMessage(hintCode: string | undefined, mode: StartMode): MessageId {
  switch (hintCode) {
    case 'expiredTransaction': return 'RFA8'
    case 'certificateErr': return 'RFA16'
    case 'userCancel': return 'RFA6'
    case 'cancelled': return 'RFA3'
    case 'startFailed': return mode === 'qr' ? 'RFA17B' : 'RFA17A'
    default: return 'RFA22'
  }
}

/** An error from the API (when starting or collecting an order). */
export function errorMessage(code: BankIdErrorCode): MessageId {
  switch (code) {
    case 'alreadyInProgress': return 'RFA4'
    case 'requestTimeout': case 'maintenance': case 'internalError': case 'timeout': case 'transport': return 'RFA5'
    default: return 'RFA22'
  }
}

export const MESSAGE_IDS: readonly MessageId[] = ['RFA1', 'RFA3', 'RFA4', 'RFA5', 'RFA6', 'RFA8', 'RFA9', 'RFA13', 'RFA14', 'RFA15',
  'RFA16', 'RFA17A', 'RFA17B', 'RFA21', 'RFA22', 'RFA23', 'callConfirm']
