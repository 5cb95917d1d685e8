/* Pushnotiser in settings: progressive enhancement. Without support (or without
   JavaScript) the buttons stay hidden and the per-area choices still work. */
(function () {
  'use strict'
  if (window.hubbenPushInit) { window.hubbenPushInit(); return }

  function toBytes(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/')
    while (s.length % 4) s += '='
    var raw = atob(s)
    var out = new Uint8Array(raw.length)
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i)
    return out
  }
  function toB64url(buf) {
    var b = new Uint8Array(buf)
    var s = ''
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i])
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  }
  function post(url, fields) {
    var body = new URLSearchParams()
    var token = document.querySelector('input[name="_csrf"]')
    body.append('_csrf', token ? token.value : '')
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]) })
    return fetch(url, { method: 'POST', body: body, credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status) })
  }

  function init() {
    var root = document.querySelector('[data-push]')
    if (!root || root.getAttribute('data-push-ready')) return
    root.setAttribute('data-push-ready', '1')
    var supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window
    if (!supported) {
      var note = document.querySelector('[data-push-unsupported]')
      if (note) note.hidden = false
      return
    }
    var enable = root.querySelector('[data-push-enable]')
    var disable = root.querySelector('[data-push-disable]')
    var status = root.querySelector('[data-push-status]')
    var key = root.getAttribute('data-key')
    function show(on, message) {
      enable.hidden = on
      disable.hidden = !on
      status.textContent = message || status.getAttribute(on ? 'data-on' : 'data-off')
    }
    root.hidden = false
    var registration = navigator.serviceWorker.register('/sw.js', { scope: '/' })
    registration
      .then(function (reg) { return reg.pushManager.getSubscription() })
      .then(function (sub) { show(!!sub) })
      .catch(function () { show(false) })

    enable.addEventListener('click', function () {
      enable.disabled = true
      Notification.requestPermission()
        .then(function (permission) {
          if (permission !== 'granted') { show(false, status.getAttribute('data-denied')); return }
          return registration
            .then(function (reg) { return reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toBytes(key) }) })
            .then(function (sub) {
              return post('/settings/push/subscriptions', {
                endpoint: sub.endpoint, p256dh: toB64url(sub.getKey('p256dh')), auth: toB64url(sub.getKey('auth')),
              })
            })
            .then(function () { show(true) })
        })
        .catch(function () { show(false, status.getAttribute('data-failed')) })
        .then(function () { enable.disabled = false })
    })

    disable.addEventListener('click', function () {
      disable.disabled = true
      registration
        .then(function (reg) { return reg.pushManager.getSubscription() })
        .then(function (sub) {
          if (!sub) return
          var endpoint = sub.endpoint
          return sub.unsubscribe().then(function () { return post('/settings/push/subscriptions/remove', { endpoint: endpoint }) })
        })
        .then(function () { show(false) })
        .catch(function () { show(true, status.getAttribute('data-failed')) })
        .then(function () { disable.disabled = false })
    })
  }

  window.hubbenPushInit = init
  document.addEventListener('htmx:load', init)
  init()
})()
