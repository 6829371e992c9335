/*
 * Offline reading: registers the site's service worker (sw.js at the site's root,
 * from offline-sw.js) and asks it to keep this page, the files it loaded and, on
 * an issue page, the issue's articles (listed by the page's data-ns-offline
 * attribute). Loaded by <script src> on every page; no inline script (CSP).
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script || !window.isSecureContext) return;
  var worker = new URL(script.getAttribute("data-sw"), location.href);

  function pageFiles() {
    var urls = [location.href];
    var nodes = document.querySelectorAll(
      "link[rel~=stylesheet][href], link[rel~=icon][href], script[src], img[src]"
    );
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var value = node.getAttribute("href") || node.getAttribute("src");
      urls.push(new URL(value, location.href).href);
    }
    var issue = document.querySelector("[data-ns-offline]");
    if (issue) {
      issue.getAttribute("data-ns-offline").split(" ").forEach(function (rel) {
        if (rel) urls.push(new URL(rel, location.href).href);
      });
    }
    return urls;
  }

  function ask(registration) {
    var active = registration.active;
    if (!active) return;
    var channel = new MessageChannel();
    channel.port1.onmessage = function () {
      document.documentElement.setAttribute("data-ns-offline-kept", "");
    };
    active.postMessage({ type: "keep", urls: pageFiles() }, [channel.port2]);
  }

  window.addEventListener("load", function () {
    navigator.serviceWorker
      .register(worker.href, { scope: new URL("./", worker).href })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(ask)
      .catch(function () { /* no offline reading: the site works as before */ });
  });
})();
