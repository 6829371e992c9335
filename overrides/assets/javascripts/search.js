/*
 * The search page (loaded by overrides/edition/search.html; the header box on every
 * page is assets/javascripts/search-box.js).
 *
 * The page: the query, results, facets and order. The searching is done by the
 * engine at data-engine (assets/javascripts/search-engine.js, on the edition's
 * index at data-bundle), whose API is the part of Pagefind's this page uses, so
 * that the benchmark can run this same page on a Pagefind bundle to compare.
 *
 * Content-Security-Policy: this file is loaded by <script src>, builds the page
 * with DOM methods only (no inline script, no inline handler, no eval, no HTML
 * strings from the index put into the page unparsed); the engine needs only
 * connect-src 'self' for its fetches.
 */
(function () {
  "use strict";

  var FACETS = ["topic", "year", "writer", "issue", "events"];
  var PAGE_SIZE = 10;
  var FACET_PREVIEW = 8;
  var TYPING_DELAY_MS = 200;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];

  var headerBox = document.getElementById("ns-header-q");
  var root = document.getElementById("ns-search");
  if (!root) return;
  var form = root.querySelector(".ns-search__form");
  var input = document.getElementById("ns-search-q");
  var sortSelect = document.getElementById("ns-search-sort");
  var status = document.getElementById("ns-search-status");
  var list = root.querySelector(".ns-search__list");
  var more = root.querySelector(".ns-search__more");
  var facetsSection = root.querySelector(".ns-search__facets");
  var clearButton = root.querySelector(".ns-search__clear");
  var toolbar = root.querySelector(".ns-search__toolbar");
  var suggestionLine = root.querySelector(".ns-search__suggestion");
  var suggestionLink = root.querySelector(".ns-search__suggestion-link");

  // The bundle's address comes from the template (relative to this page), so the
  // site works from any host and any sub-path; result URLs are made relative to
  // the site's root, which is the bundle's parent folder.
  var bundle = new URL(root.getAttribute("data-bundle"), window.location.href);
  var engineUrl = new URL(root.getAttribute("data-engine"), window.location.href);
  var siteRoot = new URL("../", bundle);

  var state = readState();
  var sequence = 0;
  var current = null; // the latest search response, for "Show more"
  var shown = 0;
  var countedOf = null; // [counted, of] when the facet counts are over some matches
  var expanded = {}; // facet -> show every value, not only the first few
  var lastCounts = {};
  var engine = null;

  root.hidden = false;
  // On a phone the facets sit above the results: folded, they leave the results in
  // view; the reader opens them with one tap. Side by side on wide screens, open.
  var refine = root.querySelector(".ns-search__refine");
  var refineTitle = root.querySelector(".ns-search__facets-title");
  if (refine && !window.matchMedia("(min-width: 60em)").matches) refine.open = false;
  input.value = state.q;
  sortSelect.value = state.sort;
  if (headerBox) headerBox.value = state.q;

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FACETS.forEach(function (facet) {
      filters[facet] = params.getAll(facet);
    });
    var sort = params.get("sort");
    return {
      q: params.get("q") || "",
      sort: sort === "newest" || sort === "oldest" ? sort : "relevance",
      filters: filters,
    };
  }

  // The query and filters live in the address, so a search can be bookmarked,
  // shared, and survives a reload or a trip to an article and back.
  function writeState() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    if (state.sort !== "relevance") params.set("sort", state.sort);
    FACETS.forEach(function (facet) {
      state.filters[facet].forEach(function (value) {
        params.append(facet, value);
      });
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "");
    window.history.replaceState(null, "", url);
  }

  function loadEngine() {
    if (!engine) {
      engine = import(engineUrl.href).then(function (api) {
        // noWorker is for Pagefind (the benchmark's comparison): its Web Worker
        // would cost 12 kB more a query and a worker-src in the CSP.
        return api.options({
          baseUrl: siteRoot.pathname,
          bundlePath: bundle.href,
          excerptLength: 36,
          noWorker: true,
        }).then(function () {
          return api.init();
        }).then(function () {
          return api;
        });
      }).catch(function (error) {
        engine = null; // a later search tries again (the network may be back)
        throw error;
      });
    }
    return engine;
  }

  // Phones turn typed quotes into curly ones; exact-phrase search needs straight
  // ones (the edition's engine reads both; Pagefind, only straight ones).
  function normaliseQuery(text) {
    return text.replace(/[\u201C\u201D\u201E\u201F\u00AB\u00BB]/g, "\"").trim();
  }

  function activeFilters(except) {
    var filters = {};
    FACETS.forEach(function (facet) {
      if (facet !== except && state.filters[facet].length) {
        filters[facet] = { any: state.filters[facet].slice() };
      }
    });
    return filters;
  }

  function hasFilters() {
    return FACETS.some(function (facet) { return state.filters[facet].length > 0; });
  }

  function sortOption(term) {
    if (state.sort === "oldest") return { date: "asc" };
    // Browsing by facet alone, there is no match to rank by: newest first.
    if (state.sort === "newest" || !term) return { date: "desc" };
    return undefined;
  }

  function say(text) {
    status.textContent = text;
  }

  function plural(count, one, many) {
    return count.toLocaleString("en-GB") + " " + (count === 1 ? one : many);
  }

  var typingTimer = 0;
  function schedule() {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(run, TYPING_DELAY_MS);
  }

  function run() {
    window.clearTimeout(typingTimer);
    var mine = ++sequence;
    var term = normaliseQuery(state.q);
    writeState();
    suggest(null);
    if (!term && !hasFilters()) {
      current = null;
      clear(list);
      toolbar.hidden = true;
      more.hidden = true;
      say("");
      root.setAttribute("data-state", "searching");
      return loadEngine().then(function (api) {
        return countFacets(api, null, mine);
      }).catch(function (error) {
        failed(error, mine);
      });
    }
    say("Searching…");
    // For tests and measurements: "results" once the results are shown, "ready"
    // once the facets are too.
    root.setAttribute("data-state", "searching");
    var query = term || null;
    return loadEngine().then(function (api) {
      var options = { filters: activeFilters() };
      var sort = sortOption(term);
      if (sort) options.sort = sort;
      return api.search(query, options).then(function (response) {
        if (mine !== sequence) return null;
        current = response;
        shown = 0;
        clear(list);
        return showMore(mine).then(function () {
          if (mine !== sequence) return null;
          announce(term, response.results.length, response.suggestion, response.partial,
            response.corrected !== false);
          root.setAttribute("data-state", "results");
          return countFacets(api, query, mine);
        });
      });
    }).catch(function (error) {
      failed(error, mine);
    });
  }

  function failed(error, mine) {
    if (mine !== sequence) return;
    window.console.error(error);
    say("Search could not load. Check your connection, then reload the page.");
    root.setAttribute("data-state", "error");
  }

  // The facets come after the results, so their data does not delay them: a
  // query's counts come from the facet blocks of its best results (the engine
  // fetches a few, or every one its matches need once a facet is chosen);
  // browsing without a query, from every value's total. Searches again are
  // cheap: the files are cached.
  function countFacets(api, query, mine) {
    var pending;
    // Nothing asked yet: every value, with how many articles it has, so that a
    // reader can browse the archive by topic, year, writer or issue.
    if (query === null && !hasFilters()) {
      pending = api.filters().then(function (totals) { return [{ filters: totals }]; });
    } else {
      // Each selected facet's counts come from a search without that facet's own
      // selection, so its other values say what choosing them as well would add
      // (the counts of a filtered search would show them all as 0).
      // With a facet chosen, every match's facet block is fetched anyway (to
      // filter them), so every count is exact.
      var facets = hasFilters() ? "all" : true;
      var searches = [api.search(query, { filters: activeFilters(), facets: facets })];
      FACETS.forEach(function (facet) {
        if (state.filters[facet].length) {
          searches.push(api.search(query, { filters: activeFilters(facet), facets: facets }));
        }
      });
      pending = Promise.all(searches);
    }
    return pending.then(function (responses) {
      if (mine !== sequence) return;
      var first = responses[0];
      countedOf = first.counted && first.counted < first.results.length ?
        [first.counted, first.results.length] : null;
      var counts = {};
      var next = 1;
      FACETS.forEach(function (facet) {
        var source = state.filters[facet].length ? responses[next++] : responses[0];
        counts[facet] = (source && source.filters && source.filters[facet]) || {};
      });
      lastCounts = counts;
      renderFacets(counts);
      root.setAttribute("data-state", "ready");
    }).catch(function (error) {
      // The results are on the page; without facets they are still useful.
      window.console.error(error);
      root.setAttribute("data-state", "ready");
    });
  }

  // A word matched nothing and the engine searched for the words closest to it:
  // say so, and offer the corrected query as a link that runs it.
  function suggest(suggestion) {
    if (!suggestionLine) return;
    suggestionLine.hidden = !suggestion;
    if (!suggestion) return;
    suggestionLink.textContent = suggestion;
    var params = new URLSearchParams(window.location.search);
    params.set("q", suggestion);
    suggestionLink.href = window.location.pathname + "?" + params.toString();
  }

  function announce(term, count, suggestion, partial, corrected) {
    var where = hasFilters() ? " with the filters chosen" : "";
    if (partial && count > 0) {
      say("No article has every word of “" + term + "”" + where + ". " +
        plural(count, "article has", "articles have") + " " + partial.matched + " of its " +
        partial.of + ".");
    } else if (suggestion && corrected && count > 0) {
      say("No articles match “" + term + "”" + where + ". " +
        plural(count, "article matches", "articles match") + " “" + suggestion + "”.");
    } else if (count === 0) {
      say("No articles match " + (term ? "“" + term + "”" : "these filters") + where +
        ". Check the spelling, try fewer or other words" +
        (hasFilters() ? ", or clear the filters." : "."));
    } else {
      say(plural(count, "article matches", "articles match") +
        (term ? " “" + term + "”" : "") + where + ".");
    }
    suggest(count > 0 ? suggestion : null);
    toolbar.hidden = count === 0;
  }

  function showMore(mine) {
    if (!current) return Promise.resolve();
    var batch = current.results.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    more.hidden = true;
    return Promise.all(batch.map(function (result) { return result.data(); }))
      .then(function (pages) {
        if (mine !== sequence) return;
        pages.forEach(function (page) { list.appendChild(resultItem(page)); });
        var left = current.results.length - shown;
        more.hidden = left <= 0;
        if (left > 0) {
          more.textContent = "Show " + Math.min(PAGE_SIZE, left) + " more of " +
            plural(left, "result", "results") + " left";
        }
      });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // A result looks like an entry of the edition's own lists (edition.css's
  // ns-list classes); the ns-result classes are the search's hooks.
  function resultItem(page) {
    var meta = page.meta || {};
    var item = element("li", "ns-list__item ns-result");
    var heading = element("h2", "ns-list__title ns-result__title");
    var link = element("a", null, meta.title || page.url);
    link.href = page.url;
    heading.appendChild(link);
    item.appendChild(heading);

    var details = [];
    if (meta.date) details.push(meta.date);
    var writers = (page.filters && page.filters.writer) || [];
    if (writers.length) details.push("By " + writers.join(", "));
    if (details.length) item.appendChild(element("p", "ns-list__meta ns-result__meta", details.join(" · ")));
    if (meta.standfirst) item.appendChild(element("p", "ns-list__standfirst ns-result__standfirst", meta.standfirst));
    if (page.excerpt) {
      var excerpt = element("p", "ns-result__excerpt");
      appendExcerpt(excerpt, page.excerpt);
      item.appendChild(excerpt);
    }
    return item;
  }

  // The excerpt is HTML: text with <mark> around the matched words. It is
  // parsed in an inert document and only its text and <mark> elements are copied,
  // so nothing from the index can add markup, links or scripts to the page.
  function appendExcerpt(target, html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var source = parsed.body.firstChild;
    if (!source) return;
    target.appendChild(document.createTextNode("… "));
    source.childNodes.forEach(function (node) {
      if (node.nodeType === Node.ELEMENT_NODE && node.nodeName === "MARK") {
        target.appendChild(element("mark", null, node.textContent));
      } else {
        target.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    target.appendChild(document.createTextNode(" …"));
  }

  // --- facets ----------------------------------------------------------------------

  // "8 December 2008: After the Terror" -> 20081208, to list issues newest first.
  function issueKey(value) {
    var match = /^(\d{1,2}) (\w+) (\d{4})/.exec(value);
    if (!match) return 0;
    return Number(match[3]) * 10000 + (MONTHS.indexOf(match[2]) + 1) * 100 + Number(match[1]);
  }

  function orderValues(facet, counts) {
    var values = Object.keys(counts).filter(function (value) {
      return counts[value] > 0 || state.filters[facet].indexOf(value) !== -1;
    });
    state.filters[facet].forEach(function (value) {
      if (values.indexOf(value) === -1) values.push(value);
    });
    if (facet === "year" || facet === "events") {
      return values.sort(function (a, b) { return Number(b) - Number(a); });
    }
    return values.sort(function (a, b) {
      var byCount = (counts[b] || 0) - (counts[a] || 0);
      if (byCount) return byCount;
      if (facet === "issue") return issueKey(b) - issueKey(a);
      return a.localeCompare(b, "en-GB");
    });
  }

  function renderFacets(counts) {
    var any = false;
    FACETS.forEach(function (facet) {
      var fieldset = facetsSection.querySelector("[data-facet='" + facet + "']");
      var valuesList = fieldset.querySelector(".ns-facet__values");
      var toggle = fieldset.querySelector(".ns-facet__toggle");
      clear(valuesList);
      var values = orderValues(facet, counts[facet] || {});
      var limit = expanded[facet] ? values.length : FACET_PREVIEW;
      values.forEach(function (value, index) {
        var selected = state.filters[facet].indexOf(value) !== -1;
        if (index >= limit && !selected) return;
        var id = "ns-facet-" + facet + "-" + index;
        var item = element("li", "ns-facet__value");
        var box = element("input");
        box.type = "checkbox";
        box.id = id;
        box.checked = selected;
        box.setAttribute("data-facet", facet);
        box.value = value;
        var label = element("label", null, value + " ");
        label.htmlFor = id;
        label.appendChild(element("span", "ns-facet__count", "(" + (counts[facet][value] || 0) + ")"));
        item.appendChild(box);
        item.appendChild(label);
        valuesList.appendChild(item);
      });
      fieldset.hidden = values.length === 0;
      any = any || values.length > 0;
      toggle.hidden = values.length <= FACET_PREVIEW;
      toggle.textContent = expanded[facet] ? "Show fewer" : "Show all " + values.length;
      toggle.setAttribute("aria-expanded", expanded[facet] ? "true" : "false");
    });
    facetsSection.hidden = !any;
    clearButton.hidden = !hasFilters();
    // Folded on a phone, the heading still says that filters are narrowing results.
    var chosen = FACETS.reduce(function (n, facet) { return n + state.filters[facet].length; }, 0);
    refineTitle.textContent = chosen ? "Refine (" + chosen + " chosen)" : "Refine";
    // Counted over the best matches only (their facet blocks): say so.
    if (countedOf) {
      refineTitle.textContent += " (counted over the best " + countedOf[0].toLocaleString("en-GB") +
        " of " + plural(countedOf[1], "result", "results") + ")";
    }
  }

  facetsSection.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
    var facet = box.getAttribute("data-facet");
    var chosen = state.filters[facet];
    var at = chosen.indexOf(box.value);
    if (box.checked && at === -1) chosen.push(box.value);
    if (!box.checked && at !== -1) chosen.splice(at, 1);
    var focusId = box.id;
    run().then(function () {
      // The lists are rebuilt; keep the keyboard where the reader left it.
      var again = document.getElementById(focusId);
      if (again && document.activeElement === document.body) again.focus();
    });
  });

  facetsSection.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLElement)) return;
    if (target.classList.contains("ns-facet__toggle")) {
      var facet = target.closest("[data-facet]").getAttribute("data-facet");
      expanded[facet] = !expanded[facet];
      renderFacets(lastCounts);
      target = facetsSection.querySelector("[data-facet='" + facet + "'] .ns-facet__toggle");
      target.focus();
    } else if (target === clearButton) {
      FACETS.forEach(function (facet) { state.filters[facet] = []; });
      run().then(function () { input.focus(); });
    }
  });

  // --- the form --------------------------------------------------------------------

  input.addEventListener("input", function () {
    state.q = input.value;
    if (headerBox) headerBox.value = input.value;
    schedule();
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    state.q = input.value;
    run();
  });

  sortSelect.addEventListener("change", function () {
    state.sort = sortSelect.value;
    run();
  });

  if (suggestionLink) {
    suggestionLink.addEventListener("click", function (event) {
      event.preventDefault();
      input.value = suggestionLink.textContent;
      state.q = input.value;
      if (headerBox) headerBox.value = input.value;
      run().then(function () { input.focus(); });
    });
  }

  more.addEventListener("click", function () {
    var first = list.children.length;
    showMore(sequence).then(function () {
      // Move focus to the first new result so keyboard readers continue from there.
      var link = list.children[first] && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });

  // On this page the header box runs the search here instead of reloading it.
  var headerForm = headerBox && headerBox.form;
  if (headerForm) {
    headerForm.addEventListener("submit", function (event) {
      event.preventDefault();
      input.value = headerBox.value;
      state.q = headerBox.value;
      run();
    });
  }

  // With a query in the address, search at once; without one, fetch the search
  // code while the reader starts typing, and show the facets to browse by (their
  // data is what a query would fetch after its results anyway).
  run();
})();
