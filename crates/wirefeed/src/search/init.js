// wirefeed's site search: mounts a search form into <div id="search"> and answers queries from
// the static index beside this script (search/index.json, words/*.json, docs/*.json). No server,
// no dependency; every link is made relative to this script, so the site may live at any path.
// A word is a run of letters and digits, lower-cased, as the build indexes it; results hold
// every word of the query, newest first.
(function () {
  "use strict";
  var script = document.currentScript;
  var mount = document.getElementById("search");
  if (!script || !mount || !window.fetch) return;
  var base = new URL(".", script.src);
  var root = new URL("..", base);
  var PAGE = 20;
  var cache = {};

  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(new URL(path, base)).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }

  function words(text, max) {
    // The articles are in NFC; a query typed with combining accents is made so too.
    var found = text.normalize("NFC").match(/[\p{Alphabetic}\p{N}]+/gu) || [];
    var seen = {};
    return found.map(function (word) { return word.toLowerCase(); }).filter(function (word) {
      if (seen[word] || Array.from(word).length > max) return false;
      seen[word] = true;
      return true;
    });
  }

  // FNV-1a (32 bits) of the word's UTF-8 bytes, as the build computes it.
  function shardOf(word, shards) {
    var bytes = new TextEncoder().encode(word);
    var hash = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      hash ^= bytes[i];
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return (hash & (shards - 1)) >>> 0;
  }

  function postings(manifest, word) {
    var name = "words/" + shardOf(word, manifest.shards).toString(16).padStart(3, "0") + ".json";
    return get(name).then(function (shard) {
      var gaps = Object.prototype.hasOwnProperty.call(shard, word) ? shard[word] : [];
      var numbers = [], at = 0;
      for (var i = 0; i < gaps.length; i++) numbers.push(at += gaps[i]);
      return numbers;
    });
  }

  function intersect(lists) {
    lists.sort(function (a, b) { return a.length - b.length; });
    return lists.reduce(function (result, list) {
      var set = new Set(list);
      return result.filter(function (n) { return set.has(n); });
    });
  }

  // The docs file of an article: the last one that starts at or before its number.
  function doc(manifest, number) {
    if (!manifest.starts) {
      var start = 0;
      manifest.starts = manifest.docs.map(function (gap) { return start += gap; });
    }
    var starts = manifest.starts, low = 0, high = starts.length - 1;
    while (low < high) {
      var middle = (low + high + 1) >> 1;
      if (starts[middle] <= number) low = middle; else high = middle - 1;
    }
    return get("docs/" + starts[low] + ".json").then(function (docs) {
      var found = docs.find(function (line) { return line[0] === number; });
      if (!found) throw new Error("docs/" + starts[low] + ".json: no article " + number);
      return found;
    });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  var form = element("form", "search-form");
  form.setAttribute("role", "search");
  var label = element("label", "search-label", "Search the archive");
  var input = element("input", "search-input");
  input.type = "search";
  input.name = "q";
  input.id = "search-query";
  input.autocomplete = "off";
  label.htmlFor = input.id;
  var status = element("p", "search-status");
  status.setAttribute("aria-live", "polite");
  var list = element("ol", "search-results");
  var more = element("button", "search-more", "More results");
  more.type = "button";
  more.hidden = true;
  form.append(label, input);
  mount.append(form, status, list, more);

  var current = 0, found = [], shown = 0;

  function showMore(manifest, run) {
    var next = found.slice(shown, shown + PAGE);
    shown += next.length;
    more.hidden = shown >= found.length;
    return Promise.all(next.map(function (n) { return doc(manifest, n); })).then(function (docs) {
      if (run !== current) return;
      // Each doc: [number, url, headline, date, place, language].
      docs.forEach(function (d) {
        var item = element("li", "search-result");
        var link = element("a", null, d[2]);
        link.href = new URL(d[1], root).href;
        if (d[5]) link.lang = d[5];
        var about = element("p", "search-meta", d[3] + (d[4] ? " · " + d[4] : ""));
        item.append(link, about);
        list.append(item);
      });
    });
  }

  function search(query) {
    var run = ++current;
    list.textContent = "";
    more.hidden = true;
    found = [];
    shown = 0;
    if (!query.trim()) { status.textContent = ""; return; }
    get("index.json").then(function (manifest) {
      var terms = words(query, manifest.maxWord);
      if (!terms.length) { status.textContent = "No results."; return; }
      return Promise.all(terms.map(function (word) { return postings(manifest, word); }))
        .then(function (lists) {
          if (run !== current) return;
          // Articles are numbered by the second they were published: the newest is the
          // highest number.
          found = intersect(lists).reverse();
          status.textContent = found.length === 0 ? "No results."
            : found.length === 1 ? "1 result." : found.length + " results.";
          return showMore(manifest, run);
        });
    }).catch(function () {
      if (run === current) status.textContent = "Search is not available.";
    });
  }

  var timer;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
    var url = new URL(location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
  });
  more.addEventListener("click", function () {
    get("index.json").then(function (manifest) { showMore(manifest, current); });
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    search(initial);
  }
})();
