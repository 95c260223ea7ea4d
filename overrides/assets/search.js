/* Search page: pagefind's JS API, results as station cards, filters, suggestions.
   Everything is loaded from this site's own /pagefind/ folder, relative to the page,
   so search works when the portal lives in a sub-folder. */
(function () {
  "use strict";
  var form = document.getElementById("sgz-search");
  if (!form) { return; }
  var input = form.querySelector("#q");
  var status = document.getElementById("sgz-status");
  var list = document.getElementById("sgz-results");
  var suggest = document.getElementById("sgz-suggest");
  var root = new URL(form.getAttribute("data-base") + "/", location.href);
  var KIND = { station: "站点", service: "服务", project: "项目" };
  var pagefind = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function load() {
    if (pagefind) { return Promise.resolve(pagefind); }
    return import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
      pagefind = pf;
      return pf.options({ baseUrl: root.pathname }).then(function () { return pf.init(); })
        .then(function () { return pf; });
    });
  }

  function chosenFilters() {
    var filters = {};
    form.querySelectorAll("select[data-filter]").forEach(function (s) {
      if (s.value) { filters[s.getAttribute("data-filter")] = s.value; }
    });
    return filters;
  }

  function fillFilters(pf, params) {
    return pf.filters().then(function (available) {
      form.querySelectorAll("select[data-filter]").forEach(function (s) {
        var values = Object.keys(available[s.getAttribute("data-filter")] || {}).sort();
        values.forEach(function (v) { s.appendChild(el("option", { value: v }, v)); });
        if (params.get(s.name)) { s.value = params.get(s.name); }
      });
    });
  }

  function card(data) {
    var li = el("li", { "class": "sgz-card" });
    var title = el("a", { href: data.url, "class": "sgz-card__title" }, data.meta.title || data.url);
    li.appendChild(title);
    li.appendChild(el("span", { "class": "sgz-card__kind" }, KIND[data.meta.type] || ""));
    if (data.meta.address) { li.appendChild(el("p", {}, "地址:" + data.meta.address)); }
    if (data.meta.phone) {
      var p = el("p", {}, "电话:");
      data.meta.phone.split("、").forEach(function (ph) {
        p.appendChild(el("a", { href: "tel:" + ph, "class": "sgz-call" }, ph));
      });
      li.appendChild(p);
    }
    if (data.meta.hours && window.SGZ) {
      var st = window.SGZ.openStatus(JSON.parse(data.meta.hours), new Date());
      li.appendChild(el("p", { "class": "sgz-open-now" }, (st.open ? "● " : "○ ") + st.text));
    }
    var excerpt = el("p", { "class": "sgz-card__excerpt" });
    excerpt.innerHTML = data.excerpt; /* pagefind escapes page text; only <mark> is added */
    li.appendChild(excerpt);
    return li;
  }

  function run(query) {
    list.textContent = "";
    var filters = chosenFilters();
    if (!query && !Object.keys(filters).length) {
      status.textContent = "请输入要查找的地名、站点名或服务,或按下面的方式浏览。";
      suggest.hidden = false;
      return Promise.resolve();
    }
    status.textContent = "正在搜索…";
    return load().then(function (pf) { return pf.search(query || null, { filters: filters }); })
      .then(function (search) {
        var top = search.results.slice(0, 20);
        return Promise.all(top.map(function (r) { return r.data(); })).then(function (items) {
          items.forEach(function (d) { list.appendChild(card(d)); });
          status.textContent = items.length ? "找到 " + search.results.length + " 个结果" +
            (search.results.length > items.length ? ",显示前 " + items.length + " 个" : "") :
            "没有找到“" + query + "”。可以换个说法,如只输入街道或乡镇名,或按下面的方式浏览。";
          suggest.hidden = items.length > 0;
        });
      })
      .catch(function () { status.textContent = "搜索暂时不可用,请通过站点名录和服务目录浏览。"; });
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var url = new URL(location.href);
    url.searchParams.set("q", input.value.trim());
    form.querySelectorAll("select[data-filter]").forEach(function (s) {
      if (s.value) { url.searchParams.set(s.name, s.value); } else { url.searchParams.delete(s.name); }
    });
    history.replaceState(null, "", url.href);
    run(input.value.trim());
  });
  form.querySelectorAll("select[data-filter]").forEach(function (s) {
    s.addEventListener("change", function () { run(input.value.trim()); });
  });
  load().then(function (pf) { return fillFilters(pf, params); })
    .then(function () { return run(input.value.trim()); })
    .catch(function () { run(input.value.trim()); });
})();
