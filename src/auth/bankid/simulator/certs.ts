import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import forge from 'node-forge'

/**
 * The simulator's certificates: a test CA, the simulator's server certificate (localhost,
 * 127.0.0.1) and the relying party's client certificate as a PKCS#12 file with a
 * passphrase, the same shape as the files BankID hands out. Only for the simulator: the
 * keys are made here and are worth nothing outside development and tests.
 */
export interface SimulatorCerts {
  /** The test CA (PEM): the simulator trusts client certificates it signed, the client pins it. */
  caPem: string
  serverKeyPem: string
  serverCertPem: string
  /** The relying party's certificate and key (PKCS#12, DER). */
  clientPfx: Buffer
  passphrase: string
}

/** RSA keys from Node's crypto (node-forge's own key generation is slow JavaScript). */
function rsaKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey
  return { key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem }
}

function certificate(opts: {
  subject: string
  publicKey: forge.pki.PublicKey
  issuer: forge.pki.Certificate | null
  signKey: forge.pki.rsa.PrivateKey
  extensions: object[]
}): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = opts.publicKey
  cert.serialNumber = '01' + randomBytes(8).toString('hex')
  const now = Date.now()
  cert.validity.notBefore = new Date(now - 24 * 3600_000)
  cert.validity.notAfter = new Date(now + 5 * 365 * 24 * 3600_000)
  const attrs = [{ name: 'commonName', value: opts.subject }, { name: 'organizationName', value: 'Hubben BankID simulator' }]
  cert.setSubject(attrs)
  cert.setIssuer(opts.issuer ? opts.issuer.subject.attributes : attrs)
  cert.setExtensions(opts.extensions)
  cert.sign(opts.signKey, forge.md.sha256.create())
  return cert
}

export function generateCerts(): SimulatorCerts {
  const ca = rsaKeys()
  const caCert = certificate({
    subject: 'Hubben test CA', publicKey: ca.publicKey, issuer: null, signKey: ca.key,
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }],
  })
  const server = rsaKeys()
  const serverCert = certificate({
    subject: 'localhost', publicKey: server.publicKey, issuer: caCert, signKey: ca.key,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  })
  const client = rsaKeys()
  const clientCert = certificate({
    subject: 'Hubben relying party (test)', publicKey: client.publicKey, issuer: caCert, signKey: ca.key,
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true }, { name: 'extKeyUsage', clientAuth: true }],
  })
  const passphrase = randomBytes(12).toString('hex')
  const p12 = forge.pkcs12.toPkcs12Asn1(client.key, [clientCert, caCert], passphrase, { algorithm: '3des' })
  return {
    caPem: forge.pki.certificateToPem(caCert),
    serverKeyPem: server.pem,
    serverCertPem: forge.pki.certificateToPem(serverCert),
    clientPfx: Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary'),
    passphrase,
  }
}

const FILES = { caPem: 'ca.pem', serverKeyPem: 'server-key.pem', serverCertPem: 'server.pem', clientPfx: 'client.p12', passphrase: 'client.passphrase' } as const

/** Development: the certificates are made once into `dir` (DATA_DIR/bankid-sim) and read from there afterwards. */
export function loadOrCreateCerts(dir: string): SimulatorCerts {
  const file = (name: string) => path.join(dir, name)
  if (Object.values(FILES).every((f) => existsSync(file(f)))) {
    return {
      caPem: readFileSync(file(FILES.caPem), 'utf8'),
      serverKeyPem: readFileSync(file(FILES.serverKeyPem), 'utf8'),
      serverCertPem: readFileSync(file(FILES.serverCertPem), 'utf8'),
      clientPfx: readFileSync(file(FILES.clientPfx)),
      passphrase: readFileSync(file(FILES.passphrase), 'utf8').trim(),
    }
  }
  const certs = generateCerts()
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  for (const [k, name] of Object.entries(FILES)) writeFileSync(file(name), certs[k as keyof SimulatorCerts], { mode: 0o600 })
  return certs
}
