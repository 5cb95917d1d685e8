import { createHash } from 'node:crypto'
import { defineConfig } from '@playwright/test'

// Two servers, one per project, so the JavaScript-on and -off journeys never see each
// other's writes. The clock is frozen on a school Tuesday at 07:10 in Stockholm.
export const E2E_NOW = process.env.E2E_NOW ?? '2026-12-01T07:10:00+01:00'
// Each checkout gets its own ports and data folders, so two checkouts on one machine (git
// worktrees) can run their journeys at the same time; E2E_PORT chooses the first port.
const CHECKOUT = createHash('sha1').update(process.cwd()).digest('hex').slice(0, 8)
const FIRST_PORT = Number(process.env.E2E_PORT) || 3901 + (parseInt(CHECKOUT.slice(0, 4), 16) % 40) * 2
const PORTS = { js: FIRST_PORT, nojs: FIRST_PORT + 1 }

function server(name: keyof typeof PORTS) {
  const dir = `/tmp/hubben-e2e-${CHECKOUT}-${name}`
  return {
    command: `rm -rf ${dir} && exec npx tsx src/main.ts`,
    url: `http://127.0.0.1:${PORTS[name]}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      PORT: String(PORTS[name]), HOST: '127.0.0.1', DATA_DIR: dir, HUBBEN_NOW: E2E_NOW, DATABASE_URL: '',
      NODE_ENV: 'development', LOG_LEVEL: 'warn', SMTP_URL: '',
    },
  }
}

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One at a time: journeys share each project's demo world (the projects have a server each).
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
    },
    locale: 'sv-SE',
    timezoneId: 'Europe/Stockholm',
    trace: 'off',
    screenshot: 'off',
  },
  projects: [
    { name: 'js', use: { baseURL: `http://127.0.0.1:${PORTS.js}`, javaScriptEnabled: true } },
    { name: 'nojs', use: { baseURL: `http://127.0.0.1:${PORTS.nojs}`, javaScriptEnabled: false } },
  ],
  webServer: [server('js'), server('nojs')],
})
