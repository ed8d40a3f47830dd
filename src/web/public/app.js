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
  // A form that came back with errors: move the focus to its error summary, which scrolls to it and has it read out.
  var summary = document.querySelector('.error-summary[tabindex="-1"]');
  if (summary) summary.focus();
  // The header menu: browsers that cannot show a closed disclosure's content as the bar of links get it opened on wide screens.
  var menu = document.querySelector('details.menu');
  var styled = window.CSS?.supports?.('selector(::details-content)');
  if (menu && !styled && window.matchMedia('(min-width: 601px)').matches) menu.open = true;
  // A table wider than the screen scrolls inside its box: let the keyboard reach that box, named after its section.
  function reachableTables() {
    document.querySelectorAll('.table-wrap').forEach(function (wrap) {
      var scrolls = wrap.scrollWidth > wrap.clientWidth;
      if (!scrolls) {
        if (wrap.dataset.reachable) { wrap.removeAttribute('tabindex'); wrap.removeAttribute('role'); }
        return;
      }
      if (wrap.hasAttribute('tabindex')) return;
      wrap.dataset.reachable = 'yes';
      wrap.tabIndex = 0;
      wrap.setAttribute('role', 'region');
      var caption = wrap.querySelector('caption');
      var section = wrap.closest('[aria-labelledby]');
      var heading = section && document.getElementById(section.getAttribute('aria-labelledby'));
      var name = (caption || heading || document.querySelector('h1') || { textContent: 'Table' }).textContent.trim();
      // Not the section's own name: two landmarks may not share one.
      wrap.setAttribute('aria-label', `${name} (table)`);
    });
  }
  reachableTables();
  window.addEventListener('resize', reachableTables);
  // Copy buttons: <button data-copy="#id"> copies the text of the element it names; an empty
  // data-copy copies the <code> beside the button (a list of sessions need not name each one).
  document.querySelectorAll('[data-copy]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      var selector = button.getAttribute('data-copy');
      var target = selector ? document.querySelector(selector) : button.parentElement.querySelector('code');
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
