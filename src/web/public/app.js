// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Send the browser's time zone with forms that ask for it (sign-up, booking).
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (_e) { tz = ''; }
  document.querySelectorAll('input[data-detect-timezone]').forEach(function (input) {
    if (!input.value && tz) input.value = tz;
  });
  // Remember the browser's zone in a cookie, once, so visitors' pages show their own time (an
  // account's zone still wins on the server). A page drawn in UTC for want of it is drawn again, once:
  // the next request carries the cookie, so this cannot loop.
  var zoneCookie = function (zone) {
    // biome-ignore lint/suspicious/noDocumentCookie: one plain preference cookie; the Cookie Store API is missing from Firefox and Safari
    document.cookie = `tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  };
  var hasZoneCookie = function () { return /(?:^|;\s*)tz=/.test(document.cookie); };
  var drawn = document.querySelector('[data-zone-detect]');
  if (tz && !hasZoneCookie()) {
    zoneCookie(tz);
    if (drawn && drawn.getAttribute('data-zone-detect') !== tz && hasZoneCookie()) location.reload();
  }
  // A zone chosen with a picker sticks for the next pages too.
  document.querySelectorAll('select[name="tz"][data-detect-timezone]').forEach(function (select) {
    if (select.form) select.form.addEventListener('submit', function () { if (select.value) zoneCookie(select.value); });
  });
  // Copy buttons: <button data-copy="#id"> copies the text of the element it names.
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var target = document.querySelector(button.getAttribute('data-copy'));
      if (!target || !navigator.clipboard) return;
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        var label = button.textContent;
        button.textContent = 'Copied';
        setTimeout(function () { button.textContent = label; }, 1500);
      });
    });
  });
  // Print buttons (receipts): without this file the page says to use the browser's Print command.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
})();
