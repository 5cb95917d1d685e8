import type pg from 'pg'

/**
 * node-postgres emits 'error' on a Client whose connection breaks while nobody is waiting
 * for a query on it: the pool listens only on idle clients, so a client checked out for
 * a transaction (between its statements) or for a request, or one kept by the
 * dispatcher, had no listener, and a PostgreSQL restart ended the process with
 * "Unhandled 'error' event". Every client gets a listener for its whole life as soon as
 * the pool opens it. The query that was running (or the next one on that client) fails
 * with a connection error, the request answers 503, and pg-pool drops the broken client
 * when it is released (it is no longer queryable), so the pool recovers by itself.
 */
export function guardPool(pool: pg.Pool, report: (message: string) => void): void {
  let lastReport = 0
  const onError = (err: Error) => {
    // One line per burst: a restart breaks every connection at once.
    const now = Date.now()
    if (now - lastReport > 5000) {
      lastReport = now
      report(`PostgreSQL connection lost: ${err.message}`)
    }
  }
  pool.on('error', onError)
  pool.on('connect', (client) => { client.on('error', onError) })
}
