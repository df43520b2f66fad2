/*
 * Themelion — search highlight that ignores accents.
 *
 * The search folds accents (site/search.py), so «cabecalho» finds pages that say
 * «cabeçalho»; Material then opens the page with ?h=cabecalho and highlights by exact
 * text, which misses every accented form. After Material, this marks the words of ?h in
 * the article's prose that differ from the query only by accents (the exact forms are
 * Material's), with the same <mark data-md-highlight> so Material's styles apply; code
 * blocks are left as they are.
 */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // Folded text of a node and, for each folded character, its index in the original.
  function folded(text) {
    var out = "";
    var map = [];
    for (var i = 0; i < text.length; i += 1) {
      var piece = fold(text[i]);
      for (var j = 0; j < piece.length; j += 1) {
        out += piece[j];
        map.push(i);
      }
    }
    return { text: out, map: map };
  }

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentNode;
        if (!node.nodeValue.trim() || parent.closest("pre, code, script, style, mark, .headerlink")) {
          return NodeFilter.FILTER_REJECT;
        }
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  function mark(node, terms) {
    var source = node.nodeValue;
    var view = folded(source);
    var ranges = [];
    terms.forEach(function (term) {
      var from = view.text.indexOf(term);
      while (from !== -1) {
        var start = view.map[from];
        var end = view.map[from + term.length - 1] + 1;
        // Exact (unaccented) text is Material's to mark, whenever it runs: only the other forms.
        if (source.slice(start, end).toLowerCase() !== term) ranges.push([start, end]);
        from = view.text.indexOf(term, from + term.length);
      }
    });
    if (!ranges.length) return 0;
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var fragment = document.createDocumentFragment();
    var at = 0;
    ranges.forEach(function (range) {
      if (range[0] < at) return; // overlapping terms: keep the first
      fragment.appendChild(document.createTextNode(source.slice(at, range[0])));
      var element = document.createElement("mark");
      element.setAttribute("data-md-highlight", "");
      element.textContent = source.slice(range[0], range[1]);
      fragment.appendChild(element);
      at = range[1];
    });
    fragment.appendChild(document.createTextNode(source.slice(at)));
    node.parentNode.replaceChild(fragment, node);
    return ranges.length;
  }

  function highlight() {
    var query = new URLSearchParams(window.location.search).get("h");
    var article = document.querySelector("article.md-content__inner");
    if (!query || !article) return;
    var terms = fold(query).split(/[\s*+\-:~^]+/).filter(function (t) { return t.length >= 2; });
    if (!terms.length) return;
    textNodes(article).forEach(function (node) { mark(node, terms); });
  }

  function start() { window.setTimeout(highlight, 50); } // after Material's own highlight

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
