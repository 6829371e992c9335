/*
 * The edition's service worker: pages a reader opened stay readable offline.
 *
 * The build copies this file to the site's root as sw.js (a worker controls the
 * pages under its own folder), with __NS_BUILD__ replaced by a digest of the
 * build: a rebuilt site is a new worker, which refreshes the pages its reader had
 * kept (generator/site/offline.py).
 *
 * What is kept, and nothing else:
 * - every page the reader opens, with the styles, scripts and images it loads;
 * - on an issue page, that articles (the page lists them, offline.js asks),
 *   so a reader who opened an issue can read its articles on the train.
 * Pages are fetched from the network first, so a reader online always sees the
 * current page; the kept copy is used only when the network fails. The search
 * index's files are never kept: search says it needs the network.
 */
"use strict";

var BUILD = "__NS_BUILD__";
var PREFIX = "ns-offline-";
var CACHE = PREFIX + BUILD;
var SCOPE = new URL("./", self.location.href).href;
var KEPT_DESTINATIONS = ["style", "script", "image", "font", "manifest"];

function inScope(url) {
  return url.indexOf(SCOPE) === 0 && url.indexOf(SCOPE + "search-index/") !== 0;
}

function withoutHash(url) {
  var u = new URL(url, self.location.href);
  u.hash = "";
  return u.href;
}

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (response.ok && response.type === "basic") return cache.put(url, response);
  });
}

self.addEventListener("install", function () {
  self.skipWaiting();
});

// A new build: the pages the reader kept under the old one are fetched again (or,
// without a network, carried over as they were), then the old cache is removed.
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      var old = names.filter(function (n) { return n.indexOf(PREFIX) === 0 && n !== CACHE; });
      return caches.open(CACHE).then(function (cache) {
        return Promise.all(old.map(function (name) {
          return caches.open(name).then(function (previous) {
            return previous.keys().then(function (requests) {
              return Promise.all(requests.map(function (request) {
                return keep(cache, request.url).catch(function () {
                  return previous.match(request).then(function (response) {
                    if (response) return cache.put(request, response);
                  });
                });
              }));
            }).then(function () { return caches.delete(name); });
          });
        }));
      });
    }).then(function () { return self.clients.claim(); })
  );
});

// offline.js asks for the page it runs on, its files and, on an issue page, the
// issue's articles.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  var urls = data.urls.map(withoutHash).filter(inScope);
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return Promise.all(urls.map(function (url) {
        return cache.match(url).then(function (hit) {
          // A page already kept by this build is not fetched again.
          return hit || keep(cache, url).catch(function () {});
        });
      }));
    }).then(function () {
      if (event.source && event.ports && event.ports[0]) event.ports[0].postMessage("kept");
    })
  );
});

function offlinePage() {
  var html = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Offline</title><h1>You are offline</h1>" +
    "<p>This page was not saved on this device. Pages you have opened, and the " +
    "articles of issues you have opened, can be read without a network.</p>";
  return new Response(html, {
    status: 503,
    statusText: "Offline",
    headers: { "Content-Type": "text/html; charset=utf-8" },
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !inScope(request.url)) return;
  var page = request.mode === "navigate";
  if (!page && KEPT_DESTINATIONS.indexOf(request.destination) < 0) return;
  var url = withoutHash(request.url);
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(url, copy); }));
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) {
        return cache.match(url).then(function (hit) {
          return hit || (page ? offlinePage() : Response.error());
        });
      });
    })
  );
});
