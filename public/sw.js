/* Hubben's service worker: shows Web Push notifications and opens their link, and keeps
   the last viewed weeks of each child's timetable readable without a network (issue 18).
   Nothing else is cached: every other page is always fresh from the server.

   The timetable (GET /children/<id>/timetable, optionally ?week=YYYY-Www): network first;
   a page that came is stored with the time it was saved (the last WEEKS_PER_CHILD of each
   child), with the static files it names. Without a network the stored copy is served, its
   hidden "Sparad … – du är offline" note (rendered by the server) unhidden and the time
   filled in: no inline script, the page's strict CSP holds. The caches are emptied when
   someone logs out or a login page opens, so one person's timetable never reaches the next. */
'use strict'

var PAGES = 'hubben-timetable-v1'
var ASSETS = 'hubben-timetable-assets-v1'
var WEEKS_PER_CHILD = 4
var SAVED_AT = 'X-Hubben-Saved-At'
var RECENT_MS = 60 * 1000
var TIMETABLE = /^\/children\/(\d+)\/timetable$/

self.addEventListener('install', function () { self.skipWaiting() })
self.addEventListener('activate', function (event) {
  event.waitUntil(self.caches.keys().then(function (names) {
    // Caches of an older version of this worker go.
    return Promise.all(names.filter(function (n) { return n.indexOf('hubben-') === 0 && n !== PAGES && n !== ASSETS })
      .map(function (n) { return self.caches.delete(n) }))
  }).then(function () { return self.clients.claim() }))
})

/** A timetable week page as the address says, or null. Only ?week= may follow. */
function timetablePage(url) {
  if (url.origin !== self.location.origin) return null
  var m = TIMETABLE.exec(url.pathname)
  if (!m) return null
  var keys = Array.from(url.searchParams.keys())
  if (keys.some(function (k) { return k !== 'week' })) return null
  return { childId: m[1] }
}

function clearAll() {
  return Promise.all([self.caches.delete(PAGES), self.caches.delete(ASSETS)])
}

/** The static files a page names (its stylesheets, scripts and icons). */
function assetsOf(html) {
  var out = []
  var re = /(?:href|src)="(\/static\/[^"]+)"/g
  var m
  while ((m = re.exec(html))) {
    var u = m[1].replace(/&amp;/g, '&')
    if (out.indexOf(u) < 0) out.push(u)
  }
  return out
}

/** Stores a timetable page that came from the network, with when, and keeps the last few weeks of its child. */
function store(request, response, childId) {
  return response.text().then(function (html) {
    var headers = new Headers(response.headers)
    headers.set(SAVED_AT, new Date().toISOString())
    var copy = new Response(html, { status: 200, statusText: 'OK', headers: headers })
    return self.caches.open(PAGES).then(function (cache) {
      // Deleted first, so the entry moves to the end: the cache's order is the order of viewing.
      return cache.delete(request.url, { ignoreVary: true })
        .then(function () { return cache.put(request.url, copy) })
        .then(function () { return cache.keys() })
        .then(function (keys) {
          var mine = keys.filter(function (k) { var p = timetablePage(new URL(k.url)); return p && p.childId === childId })
          return Promise.all(mine.slice(0, Math.max(0, mine.length - WEEKS_PER_CHILD)).map(function (k) { return cache.delete(k) }))
        })
    }).then(function () {
      return self.caches.open(ASSETS).then(function (cache) {
        return Promise.all(assetsOf(html).map(function (u) {
          return cache.match(u).then(function (hit) { return hit || cache.add(u).catch(function () {}) })
        }))
      })
    })
  })
}

function pad(n) { return (n < 10 ? '0' : '') + n }

/** The stored page with its note shown: "Sparad 1 december 07:10 – du är offline". */
function fromCache(request) {
  return self.caches.open(PAGES).then(function (cache) {
    return cache.match(request.url, { ignoreVary: true })
  }).then(function (hit) {
    if (!hit) return null
    var saved = new Date(hit.headers.get(SAVED_AT) || Date.now())
    return hit.text().then(function (html) {
      var langMatch = /<html lang="([a-z]{2})"/.exec(html)
      var lang = langMatch ? langMatch[1] : 'sv'
      var text
      try {
        text = saved.toLocaleString(lang === 'en' ? 'en-GB' : 'sv-SE', {
          timeZone: 'Europe/Stockholm', weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit',
        })
      } catch (e) {
        text = saved.getFullYear() + '-' + pad(saved.getMonth() + 1) + '-' + pad(saved.getDate()) + ' ' + pad(saved.getHours()) + ':' + pad(saved.getMinutes())
      }
      var shown = html
        .replace(/<p class="offline-note([^"]*)" hidden data-offline-note>/, '<p class="offline-note$1" data-offline-note role="status">')
        .replace('<time data-saved-at></time>', '<time data-saved-at datetime="' + saved.toISOString() + '">' + text + '</time>')
      var headers = new Headers(hit.headers)
      headers.delete('Content-Length')
      return new Response(shown, { status: 200, statusText: 'OK', headers: headers })
    })
  })
}

self.addEventListener('fetch', function (event) {
  var request = event.request
  var url = new URL(request.url)
  if (url.origin !== self.location.origin) return

  // Logging out, or a login page: whoever comes next must not read this person's timetable.
  if ((request.method === 'POST' && url.pathname === '/logout') || (request.method === 'GET' && url.pathname === '/login')) {
    event.waitUntil(clearAll())
    return
  }
  if (request.method !== 'GET') return

  var page = timetablePage(url)
  // Whole pages only: a navigation, or htmx's boosted link (which asks for the whole page too).
  var whole = request.mode === 'navigate' || request.headers.get('HX-Boosted') === 'true'
  if (page && whole) {
    event.respondWith(fetch(request).then(function (response) {
      var type = response.headers.get('Content-Type') || ''
      if (response.status === 200 && response.type === 'basic' && !response.redirected && type.indexOf('text/html') === 0) {
        event.waitUntil(store(request, response.clone(), page.childId).catch(function () {}))
      }
      return response
    }, function (err) {
      return fromCache(request).then(function (cached) { if (cached) return cached; throw err })
    }))
    return
  }

  // A static file a stored page needs: from the network, else the stored copy.
  if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(fetch(request).catch(function (err) {
      return self.caches.open(ASSETS).then(function (cache) { return cache.match(request, { ignoreSearch: false }) })
        .then(function (hit) { if (hit) return hit; throw err })
    }))
  }
})

// The timetable page asks to store itself when it was opened before this worker took over.
self.addEventListener('message', function (event) {
  var data = event.data || {}
  if (data.type !== 'hubben:save-timetable' || typeof data.url !== 'string') return
  var url = new URL(data.url, self.location.origin)
  var page = timetablePage(url)
  if (!page) return
  var request = new Request(url.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
  event.waitUntil(self.caches.open(PAGES).then(function (cache) { return cache.match(url.href, { ignoreVary: true }) }).then(function (hit) {
    // Stored a moment ago on its way through: nothing to do.
    var saved = hit && Date.parse(hit.headers.get(SAVED_AT) || '')
    if (saved && Date.now() - saved < RECENT_MS) return
    return fetch(request).then(function (response) {
      var type = response.headers.get('Content-Type') || ''
      if (response.status === 200 && !response.redirected && type.indexOf('text/html') === 0) return store(request, response, page.childId)
    })
  }).catch(function () {}))
})

self.addEventListener('push', function (event) {
  var data = {}
  try { data = event.data ? event.data.json() : {} } catch (e) { data = { body: event.data ? event.data.text() : '' } }
  var title = data.title || 'Hubben'
  event.waitUntil(self.registration.showNotification(title, {
    body: data.body || '',
    tag: data.tag || undefined,
    lang: data.lang || 'sv',
    icon: '/static/icons/icon-192.png',
    badge: '/static/icons/icon-192.png',
    data: { url: typeof data.url === 'string' && data.url.charAt(0) === '/' ? data.url : '/notifications' },
  }))
})

self.addEventListener('notificationclick', function (event) {
  event.notification.close()
  var url = (event.notification.data && event.notification.data.url) || '/notifications'
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (list) {
    for (var i = 0; i < list.length; i++) {
      var c = list[i]
      if (new URL(c.url).origin === self.location.origin && 'navigate' in c) {
        return c.focus().then(function (w) { return w.navigate(url) })
      }
    }
    return self.clients.openWindow(url)
  }))
})
