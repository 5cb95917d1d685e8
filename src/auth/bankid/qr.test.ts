import t from 'tap'
import { qrAuthCode, qrData, qrSvg } from './qr.js'

// Fixed vectors: BankID's documented example secret; the expected HMACs were computed
// outside this code (`printf 0 | openssl dgst -sha256 -hmac <secret>`).
const SECRET = 'd28db9a7-4cde-429e-a983-359be676944c'
const TOKEN = '67df3917-fa0d-44e5-b327-edcc928297f8'
const VECTORS: [number, string][] = [
  [0, 'dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8'],
  [1, '949d559bf23403952a94d103e67743126381eda00f0b3cbddbf7c96b1adcbce2'],
  [2, 'a9e5ec59cb4eee4ef4117150abc58fad7a85439a6a96ccbecc3668b41795b3f3'],
]

t.test('the auth code is the hex HMAC-SHA256 of the seconds as text, keyed with the secret', async (t) => {
  for (const [s, hmac] of VECTORS) t.equal(qrAuthCode(SECRET, s), hmac, `second ${s}`)
})

t.test('the QR data: bankid.<token>.<whole seconds>.<code>', async (t) => {
  t.equal(qrData(TOKEN, SECRET, 0), `bankid.${TOKEN}.0.${VECTORS[0]![1]}`)
  t.equal(qrData(TOKEN, SECRET, 1.9), `bankid.${TOKEN}.1.${VECTORS[1]![1]}`, 'seconds are whole, rounded down')
  t.equal(qrData(TOKEN, SECRET, 2), `bankid.${TOKEN}.2.${VECTORS[2]![1]}`)
  t.equal(qrData(TOKEN, SECRET, -3), `bankid.${TOKEN}.0.${VECTORS[0]![1]}`, 'never negative')
  t.notMatch(qrData(TOKEN, SECRET, 5), SECRET, 'the secret itself is not in the code')
})

t.test('the SVG image: labelled, no style attributes, no secret', async (t) => {
  const svg = await qrSvg(qrData(TOKEN, SECRET, 7), 'QR-kod för "BankID"')
  t.match(svg, /^<svg role="img" aria-label="QR-kod för &quot;BankID&quot;" focusable="false" class="bankid-qr__image" xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"/)
  t.notMatch(svg, /style=/)
  t.notMatch(svg, SECRET)
  t.not(svg, await qrSvg(qrData(TOKEN, SECRET, 8), 'x'), 'a new image every second')
})
