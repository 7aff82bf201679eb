// searchlib search page: search as you type on top of the server-rendered page, with a
// list of completions under the box (the ARIA combobox pattern: arrows move, Enter takes,
// Escape closes). Never fires in the middle of an IME composition; drops responses to stale
// requests; article text only ever enters the page as DOM text nodes (never innerHTML).
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var box = document.getElementById("q");
  if (!form || !box || !window.fetch || !window.URLSearchParams) { return; }
  var api = form.getAttribute("data-api");
  var base = form.getAttribute("action").replace(/\/$/, "");
  var PAGE_PARAMS = ["q", "page", "sort", "from", "to", "source", "category"];
  var DELAY = 250;
  var composing = false, timer = null, seq = 0, inflight = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  // text with <mark> around each [start, end) span (UTF-16 offsets: JavaScript's own)
  function marked(text, spans) {
    var frag = document.createDocumentFragment(), pos = 0;
    (spans || []).forEach(function (sp) {
      if (sp[0] > pos) { frag.appendChild(document.createTextNode(text.slice(pos, sp[0]))); }
      frag.appendChild(el("mark", {}, [text.slice(sp[0], sp[1])]));
      pos = sp[1];
    });
    frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  function current() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (v, k) { if (v && PAGE_PARAMS.indexOf(k) >= 0) { params.set(k, v); } });
    return params;
  }

  function link(params, changes) {
    var p = new URLSearchParams(params.toString());
    Object.keys(changes).forEach(function (k) {
      if (changes[k]) { p.set(k, changes[k]); } else { p.delete(k); }
    });
    if (p.get("page") === "1") { p.delete("page"); }
    if (p.get("sort") === "relevance") { p.delete("sort"); }
    return "?" + p.toString();
  }

  function monthRange(month) {
    var y = +month.slice(0, 4), m = +month.slice(5, 7);
    var last = new Date(y, m, 0).getDate();
    return [month + "-01", month + "-" + (last < 10 ? "0" : "") + last];
  }

  function replace(id, node) {
    var old = document.getElementById(id);
    if (old) { old.parentNode.replaceChild(node, old); }
  }

  function meta(hit) {
    var parts = [hit.date ? hit.date.slice(0, 10) : "", hit.source || "", hit.author ? "记者 " + hit.author : ""];
    return el("p", {"class": "meta"}, [parts.filter(Boolean).join(" · ")]);
  }

  function renderHit(hit, q) {
    var href = base + "/articles/" + encodeURIComponent(hit.id) + (q ? "?" + new URLSearchParams({q: q}) : "");
    var li = el("li", {"class": "hit"}, [
      el("h2", {"class": "title"}, [el("a", {href: href}, [marked(hit.title, hit.title_spans)])]),
      meta(hit)]);
    hit.snippets.forEach(function (s) { li.appendChild(el("p", {"class": "snippet"}, [marked(s.text, s.spans)])); });
    return li;
  }

  function facetSection(name, label, items) {
    if (!items.length) { return null; }
    var ul = el("ul");
    items.forEach(function (it) {
      var a = el("a", {href: it.href}, [it.value + " ", el("span", {"class": "count"}, ["(" + it.count + ")"])]);
      if (it.on) { a.setAttribute("aria-current", "true"); }
      ul.appendChild(el("li", {}, [a]));
    });
    return el("section", {"class": "facet", "data-facet": name}, [el("h2", {}, [label]), ul]);
  }

  function renderFacets(data, params) {
    var nav = el("nav", {id: "facets", "class": "facets", "aria-label": "筛选"});
    var src = (data.facets.source || []).slice(0, 15).map(function (f) {
      var on = params.get("source") === f.value;
      return {value: f.value, count: f.count, on: on, href: link(params, {source: on ? null : f.value, page: null})};
    });
    var months = (data.facets.month || []).slice().sort(function (a, b) { return a.value < b.value ? 1 : -1; })
      .slice(0, 24).map(function (f) {
        var r = monthRange(f.value), on = params.get("from") === r[0] && params.get("to") === r[1];
        return {value: f.value, count: f.count, on: on,
                href: link(params, {from: on ? null : r[0], to: on ? null : r[1], page: null})};
      });
    [facetSection("source", "来源", src), facetSection("month", "月份", months)].forEach(function (s) {
      if (s) { nav.appendChild(s); }
    });
    return nav;
  }

  function renderPager(data, params) {
    var nav = el("nav", {id: "pager", "class": "pager", "aria-label": "分页"});
    var last = Math.min(data.pages, Math.floor(10000 / data.hits_per_page));
    if (last <= 1) { return nav; }
    if (data.page > 1) { nav.appendChild(el("a", {rel: "prev", href: link(params, {page: String(data.page - 1)})}, ["上一页"])); }
    for (var n = Math.max(1, data.page - 4); n <= Math.min(last, data.page + 4); n++) {
      nav.appendChild(n === data.page ? el("span", {"aria-current": "page"}, [String(n)])
        : el("a", {href: link(params, {page: String(n)}), "aria-label": "第 " + n + " 页"}, [String(n)]));
    }
    if (data.page < last) { nav.appendChild(el("a", {rel: "next", href: link(params, {page: String(data.page + 1)})}, ["下一页"])); }
    return nav;
  }

  function setStatus(text) { document.getElementById("status").textContent = text; }

  function render(data, params) {
    var q = params.get("q") || "", intro = document.getElementById("intro");
    if (intro) { intro.parentNode.removeChild(intro); }
    setStatus(data.total ? "找到 " + data.total.toLocaleString("en-US") + " 条结果，第 " + data.page + " / " + data.pages + " 页"
      : "没有找到与「" + data.query + "」相关的文章");
    var notices = el("div", {id: "notices"});
    if (data.suggestion) {
      notices.appendChild(el("p", {"class": "suggestion"}, ["您是不是要找：",
        el("a", {href: link(params, {q: data.suggestion, page: null})}, [data.suggestion])]));
    }
    if (data.relaxed) { notices.appendChild(el("p", {"class": "relaxed"}, ["没有文章包含全部词语，以下是部分匹配的结果。"])); }
    Object.keys(data.pinyin || {}).forEach(function (typed) {
      notices.appendChild(el("p", {"class": "pinyin"}, ["按拼音 " + typed + " 显示：" + data.pinyin[typed].join("、")]));
    });
    replace("notices", notices);
    var ol = el("ol", {id: "results", "class": "results", start: String((data.page - 1) * data.hits_per_page + 1)});
    data.hits.forEach(function (h) { ol.appendChild(renderHit(h, q)); });
    var layout = el("div", {"class": "layout"}, [ol, renderFacets(data, params)]);
    var oldLayout = document.querySelector("main .layout");
    if (oldLayout) { oldLayout.parentNode.replaceChild(layout, oldLayout); }
    var pager = renderPager(data, params);
    if (document.getElementById("pager")) { replace("pager", pager); } else { layout.parentNode.insertBefore(pager, layout.nextSibling); }
  }

  function renderProblem(problem) {
    setStatus("查询有误");
    var box = el("div", {"class": "error", role: "alert"}, [el("p", {}, [problem.detail || problem.title])]);
    if (problem.query && typeof problem.position === "number") {
      var chars = Array.from(problem.query), at = problem.position;  // code points, as the server counts
      box.appendChild(el("p", {"class": "where"}, [el("code", {}, [chars.slice(0, at).join(""),
        el("mark", {"class": "error-at"}, [chars[at] || " "]), chars.slice(at + 1).join("")])]));
    }
    replace("notices", el("div", {id: "notices"}, [box]));
    var ol = document.getElementById("results");
    if (ol) { while (ol.firstChild) { ol.removeChild(ol.firstChild); } }
    var pager = document.getElementById("pager");
    if (pager) { while (pager.firstChild) { pager.removeChild(pager.firstChild); } }
  }

  // ---------------------------------------------------------------- completions
  var list = document.getElementById("completions");
  var suggestUrl = box.getAttribute("data-suggest");
  var CDELAY = 120;
  var options = [], active = -1, cseq = 0, ctimer = null;

  function closeList() {
    options = []; active = -1;
    if (list) { while (list.firstChild) { list.removeChild(list.firstChild); } list.hidden = true; }
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function showList(items) {
    closeList();
    if (!list || !items.length) { return; }
    items.forEach(function (text, i) {
      var li = el("li", {id: "completion-" + i, role: "option", "aria-selected": "false"}, [text]);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    options = items; list.hidden = false;
    box.setAttribute("aria-expanded", "true");
  }

  function highlight(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
    });
    if (i >= 0) { box.setAttribute("aria-activedescendant", "completion-" + i); }
    else { box.removeAttribute("aria-activedescendant"); }
  }

  function choose(i) {
    box.value = options[i];
    cseq++;  // an answer still on its way is for what was typed before
    closeList();
    schedule(0);
  }

  function complete() {
    ctimer = null;
    var q = box.value;
    if (!suggestUrl || !q.trim() || /\s$/.test(q)) { closeList(); return; }
    var mine = ++cseq;
    fetch(suggestUrl + "?" + new URLSearchParams({q: q, n: "8", did_you_mean: "0"}), {headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {completions: []}; })
      .then(function (body) {
        if (mine === cseq && box.value === q && document.activeElement === box) { showList(body.completions || []); }
      })
      .catch(function () { /* no completions: the box still searches */ });
  }

  function scheduleComplete() {
    if (composing) { return; }
    if (ctimer) { clearTimeout(ctimer); }
    ctimer = setTimeout(complete, CDELAY);
  }

  box.addEventListener("keydown", function (e) {
    if (e.isComposing || composing) { return; }  // the input method's own keys
    var open = options.length > 0;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!open) { complete(); return; }
      var n = options.length;
      highlight(e.key === "ArrowDown" ? (active + 1) % n : (active <= 0 ? n - 1 : active - 1));
    } else if (e.key === "Enter" && open && active >= 0) {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape" && open) {
      e.preventDefault();
      cseq++;
      closeList();
    }
  });
  box.addEventListener("blur", function () { cseq++; closeList(); });

  function search() {
    timer = null;
    var params = current();
    history.replaceState(null, "", link(params, {}));
    if (!(params.get("q") || "").trim()) { return; }
    var ask = new URLSearchParams(params.toString());
    ask.set("hits_per_page", "10"); ask.set("facets", "source,month"); ask.set("offsets", "utf16");
    var mine = ++seq;
    if (inflight) { inflight.abort(); }
    inflight = window.AbortController ? new AbortController() : null;
    fetch(api + "?" + ask.toString(), {headers: {Accept: "application/json"}, signal: inflight ? inflight.signal : undefined})
      .then(function (r) { return r.json().then(function (body) { return {ok: r.ok, body: body}; }); })
      .then(function (res) {
        if (mine !== seq) { return; }  // a newer request was sent: this answer is stale
        if (res.ok) { render(res.body, params); } else { renderProblem(res.body); }
      })
      .catch(function (err) { if (err && err.name !== "AbortError" && mine === seq) { setStatus("搜索失败，请重试"); } });
  }

  function schedule(delay) {
    if (composing) { return; }
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(search, delay === undefined ? DELAY : delay);
  }

  box.addEventListener("compositionstart", function () {
    composing = true;
    if (timer) { clearTimeout(timer); timer = null; }
    if (ctimer) { clearTimeout(ctimer); ctimer = null; }
  });
  box.addEventListener("compositionend", function () { composing = false; schedule(); scheduleComplete(); });
  box.addEventListener("input", function (e) { if (!e.isComposing) { schedule(); scheduleComplete(); } });
  ["sort", "from", "to"].forEach(function (id) {
    var f = document.getElementById(id);
    if (f) { f.addEventListener("change", function () { schedule(0); }); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); composing = false; cseq++; closeList(); schedule(0); });
  document.addEventListener("keydown", function (e) {
    var t = e.target, tag = t && t.tagName;
    if (e.key === "/" && !e.ctrlKey && !e.metaKey && !e.altKey && tag !== "INPUT" && tag !== "TEXTAREA"
        && tag !== "SELECT" && !(t && t.isContentEditable)) {
      e.preventDefault(); box.focus(); box.select();
    }
  });
}());
