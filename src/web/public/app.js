// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Send the browser's time zone with forms that ask for it (sign-up, booking).
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (_e) { tz = ''; }
  document.querySelectorAll('input[data-detect-timezone]').forEach(function (input) {
    if (!input.value && tz) input.value = tz;
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
