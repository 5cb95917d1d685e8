// The printable timetable: a print button for browsers with JavaScript (without it the
// button stays hidden and the page says to use the browser's own print command).
document.querySelectorAll('[data-print]').forEach(function (button) {
  button.hidden = false
  button.addEventListener('click', function () { window.print() })
})
