/* Search page: pagefind's JS API, results as cards, filters, suggestions.
   Everything is loaded from this site's own pagefind/ folder, relative to the page,
   so search works when the portal lives in a sub-folder.
   While a search runs the result list has aria-busy="true"; tests wait for "false". */
(function () {
  "use strict";
  var form = document.getElementById("sgz-search");
  if (!form) { return; }
  var input = form.querySelector("#q");
  var status = document.getElementById("sgz-status");
  var list = document.getElementById("sgz-results");
  var suggest = document.getElementById("sgz-suggest");
  var moreButton = document.getElementById("sgz-more");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var root = new URL(form.getAttribute("data-base") + "/", location.href);
  var KIND = { station: "站点", service: "服务", project: "项目", agency: "运营机构", plan: "规划指标",
    fund: "慈善基金", resources: "五社联动资源" };
  var STEP = 10;
  /* Hidden metadata from portal/searchterms.py: `name` (what the page is) ranks like a
     title; `more` only makes a page findable, so it adds nothing to the ranking. */
  var RANKING = { metaWeights: { name: 5, more: 0 } };
  var pagefind = null;
  var latest = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function load() {
    if (pagefind) { return Promise.resolve(pagefind); }
    return import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
      return pf.options({ baseUrl: root.pathname, ranking: RANKING })
        .then(function () { return pf.init(); })
        .then(function () { pagefind = pf; return pf; });
    });
  }

  /* The index keeps one filter per value, named "<filter>=<value>" (site/search.py), so a
     chosen value loads its own page list and nothing else. */
  function chosenFilters() {
    var filters = {};
    selects.forEach(function (s) {
      if (s.value) { filters[s.getAttribute("data-filter") + "=" + s.value] = s.value; }
    });
    return filters;
  }

  /* The choices come from pagefind/filters.json, a few KB, written with the index: asking
     pagefind for them would download every filter's page lists first. */
  function fillFilters(params) {
    return fetch(new URL("pagefind/filters.json", root).href)
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (available) {
        selects.forEach(function (s) {
          (available[s.getAttribute("data-filter")] || []).forEach(function (v) {
            s.appendChild(el("option", { value: v }, v));
          });
          if (params.get(s.name)) { s.value = params.get(s.name); }
        });
      });
  }

  /* Pagefind's excerpt is escaped text with <mark> around hits: rebuild it as DOM
     nodes instead of trusting it as HTML. */
  function excerptNodes(html) {
    var box = el("p", { "class": "sgz-card__excerpt" });
    var decode = el("textarea");
    (html || "").split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") { return true; }
      if (part === "</mark>") { return false; }
      decode.innerHTML = part.replace(/</g, "&lt;");
      if (decode.value) { box.appendChild(inMark ? el("mark", {}, decode.value) : document.createTextNode(decode.value)); }
      return inMark;
    }, false);
    return box;
  }

  function card(data) {
    var li = el("li", { "class": "sgz-card" });
    li.appendChild(el("a", { href: data.url, "class": "sgz-card__title" }, data.meta.title || data.url));
    li.appendChild(el("span", { "class": "sgz-card__kind" }, KIND[data.meta.type] || ""));
    if (data.meta.address) { li.appendChild(el("p", { "class": "sgz-card__address" }, "地址:" + data.meta.address)); }
    if (data.meta.phone) {
      var p = el("p", { "class": "sgz-card__phone" }, "电话:");
      data.meta.phone.split("、").forEach(function (ph) {
        p.appendChild(el("a", { href: "tel:" + ph, "class": "sgz-call" }, ph));
      });
      li.appendChild(p);
    }
    if (data.meta.hours && window.SGZ) {
      try {
        var st = window.SGZ.openStatus(JSON.parse(data.meta.hours), new Date());
        li.appendChild(el("p", { "class": "sgz-open-now" }, (st.open ? "● " : "○ ") + st.text));
      } catch (e) { /* a malformed hours field only hides the line */ }
    }
    li.appendChild(excerptNodes(data.excerpt));
    return li;
  }

  function done(mine, text, found) {
    if (mine !== latest) { return; }
    status.textContent = text;
    suggest.hidden = found;
    list.setAttribute("aria-busy", "false");
  }

  /* Results come STEP at a time: each shown result costs its fragment (1 to 3 KB), and on a slow
     line the first ten are what a resident reads. "显示更多" fetches the next ten. */
  function showFrom(mine, query, search, from) {
    var next = search.results.slice(from, from + STEP);
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== latest) { return; }
      if (!from) { list.textContent = ""; }
      var first = null;
      items.forEach(function (d) {
        var li = card(d);
        first = first || li;
        list.appendChild(li);
      });
      var total = search.results.length;
      var count = from + items.length;
      moreButton.hidden = count >= total;
      moreButton.onclick = function () {
        list.setAttribute("aria-busy", "true");
        moreButton.disabled = true;
        showFrom(mine, query, search, count)
          .catch(function () { done(mine, "更多结果暂时无法加载,请稍后再试。", true); })
          .then(function () { moreButton.disabled = false; });
      };
      if (from && first) { first.querySelector("a").focus(); }
      done(mine, count ? "找到 " + total + " 个结果" + (total > count ? ",显示前 " + count + " 个" : "") :
        (query ? "没有找到“" + query + "”。" : "没有符合条件的结果。") +
        "可以换个说法,如只输入街道或乡镇名,或按下面的方式浏览。", count > 0);
    });
  }

  function run(query) {
    var mine = ++latest;
    var filters = chosenFilters();
    list.setAttribute("aria-busy", "true");
    moreButton.hidden = true;
    if (!query && !Object.keys(filters).length) {
      list.textContent = "";
      done(mine, "请输入要查找的地名、站点名或服务,或按下面的方式浏览。", false);
      return Promise.resolve();
    }
    status.textContent = "正在搜索…";
    return load().then(function (pf) { return pf.search(query || null, { filters: filters }); })
      .then(function (search) { return showFrom(mine, query, search, 0); })
      .catch(function () {
        list.textContent = "";
        done(mine, "搜索暂时不可用,请通过站点名录和服务目录浏览。", false);
      });
  }

  /* The address bar mirrors the search, so it can be bookmarked or sent to someone. */
  function remember(query) {
    var url = new URL(location.href);
    if (query) { url.searchParams.set("q", query); } else { url.searchParams.delete("q"); }
    selects.forEach(function (s) {
      if (s.value) { url.searchParams.set(s.name, s.value); } else { url.searchParams.delete(s.name); }
    });
    history.replaceState(null, "", url.href);
  }

  function submit() {
    var query = input.value.trim();
    remember(query);
    return run(query);
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  selects.forEach(function (s) { s.addEventListener("change", submit); });
  list.setAttribute("aria-busy", "true");
  fillFilters(params)
    .then(function () { return run(input.value.trim()); },
          function () { return run(input.value.trim()); });
})();
