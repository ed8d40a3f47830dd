// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';
  // Send the browser's time zone with forms that ask for it (sign-up, booking).
  var tz;
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (_e) { tz = ''; }
  document.querySelectorAll('input[data-detect-timezone]').forEach(function (input) {
    if (!input.value && tz) input.value = tz;
  });
  // A form that came back with errors: move the focus to its error summary, which scrolls to it and has it read out.
  var summary = document.querySelector('.error-summary[tabindex="-1"]');
  if (summary) summary.focus();
  // The header menu: browsers that cannot show a closed disclosure's content as the bar of links get it opened on wide screens.
  var menu = document.querySelector('details.menu');
  var styled = window.CSS?.supports?.('selector(::details-content)');
  if (menu && !styled && window.matchMedia('(min-width: 601px)').matches) menu.open = true;
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
})();
