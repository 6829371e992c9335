/*
 * The header's search box, on every page: "/" focuses it, as on most sites with
 * search (on the search page, the page's own box). Nothing else: the box is a plain
 * form that opens the search page, where assets/javascripts/search.js runs.
 * Loaded by <script src>; no inline script, no eval (a strict CSP allows it).
 */
(function () {
  "use strict";

  function isEditable(element) {
    if (!(element instanceof HTMLElement)) return false;
    return element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName);
  }

  document.addEventListener("keydown", function (event) {
    // Not while the reader types somewhere else, nor with a modifier (the browser's).
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.defaultPrevented || isEditable(event.target)) return;
    var box = ["ns-search-q", "ns-header-q"].map(function (id) {
      return document.getElementById(id);
    }).filter(function (element) {
      return element && element.offsetParent !== null; // shown, not hidden
    })[0];
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });
})();
