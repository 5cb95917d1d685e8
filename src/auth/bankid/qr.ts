import { createHmac } from 'node:crypto'
import QRCode from 'qrcode'

/**
 * BankID's animated QR code: every second a new code
 * `bankid.<qrStartToken>.<seconds since the order>.<HMAC-SHA256(qrStartSecret, seconds)>`
 * (the HMAC over the seconds as a decimal string, keyed with the secret's text, in hex).
 * The secret stays on the server: only the codes made from it reach the page.
 */
export function qrAuthCode(qrStartSecret: string, seconds: number): string {
  return createHmac('sha256', qrStartSecret).update(String(seconds)).digest('hex')
}

export function qrData(qrStartToken: string, qrStartSecret: string, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `bankid.${qrStartToken}.${s}.${qrAuthCode(qrStartSecret, s)}`
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/** The code as an inline SVG image (no style attributes: the page's CSP allows none), labelled for screen readers. */
export async function qrSvg(data: string, label: string): Promise<string> {
  const svg = await QRCode.toString(data, { type: 'svg', errorCorrectionLevel: 'L', margin: 2, color: { dark: '#000000', light: '#ffffff' } })
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttr(label)}" focusable="false" class="bankid-qr__image" `)
}
