/* Hubben's service worker: shows Web Push notifications and opens their link.
   It caches nothing: pages are always fresh from the server. */
'use strict'

self.addEventListener('install', function () { self.skipWaiting() })
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()) })

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
