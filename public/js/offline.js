/* The timetable offline (issue 18): registers Hubben's service worker (public/sw.js), which
   keeps the last viewed weeks of each child's timetable readable without a network. Without
   JavaScript, or without service workers, the timetable is simply an ordinary page. */
(function () {
  'use strict'
  if (!('serviceWorker' in navigator) || !('caches' in window)) return
  var sw = navigator.serviceWorker

  function save() {
    // A page that did not pass through the worker (opened before it took over) is stored on
    // request; the worker skips a week it has just stored on the way through.
    if (!document.querySelector('[data-offline-note]')) return
    if (sw.controller) sw.controller.postMessage({ type: 'hubben:save-timetable', url: location.pathname + location.search })
  }

  if (window.hubbenOfflineInit) { window.hubbenOfflineInit(); return }
  window.hubbenOfflineInit = function () {
    if (sw.controller) { save(); return }
    sw.addEventListener('controllerchange', save, { once: true })
    sw.register('/sw.js', { scope: '/' }).catch(function () {})
  }
  window.hubbenOfflineInit()
})()
