/*
 * Themelion — learners' site. Plain script, no dependencies, works from file://.
 *
 * Wide blocks: a code block or an example output wider than the column gets a
 * «Quebrar linhas» button (aria-pressed) next to Material's copy button; a
 * diagram wider than its column gets «Ampliar diagrama», which opens it in a
 * full-screen <dialog> (Esc or «Fechar» closes it). A block whose first line
 * would run under the buttons gets a top margin so the buttons never cover code.
 */
(function () {
  "use strict";

  var WRAP_ON = "Voltar a rolar na horizontal";
  var WRAP_OFF = "Quebrar linhas longas";

  function charWidth(code) {
    var probe = document.createElement("span");
    probe.textContent = "0000000000";
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:pre";
    code.appendChild(probe);
    var width = probe.getBoundingClientRect().width / 10;
    code.removeChild(probe);
    return width || 8;
  }

  function firstLineWidth(code) {
    var first = (code.textContent || "").split("\n")[0].replace(/\t/g, "    ");
    return first.length * charWidth(code);
  }

  function isWide(code) {
    return code.scrollWidth > code.clientWidth + 1;
  }

  function navOf(pre) {
    var nav = pre.querySelector(":scope > .md-code__nav");
    if (!nav) {
      nav = document.createElement("nav");
      nav.className = "md-code__nav";
      pre.insertBefore(nav, pre.firstChild);
    }
    return nav;
  }

  function wrapButton(pre, code) {
    var button = pre.querySelector(":scope > .md-code__nav > .themelion-wrap-toggle");
    if (button) return button;
    button = document.createElement("button");
    button.type = "button";
    button.className = "md-code__button themelion-wrap-toggle";
    button.setAttribute("data-md-type", "wrap");
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", WRAP_OFF);
    button.title = WRAP_OFF;
    button.addEventListener("click", function () {
      var on = !pre.classList.contains("themelion-wrapped");
      pre.classList.toggle("themelion-wrapped", on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.setAttribute("aria-label", on ? WRAP_ON : WRAP_OFF);
      button.title = on ? WRAP_ON : WRAP_OFF;
      update(pre, code);
    });
    var nav = navOf(pre);
    nav.insertBefore(button, nav.firstChild);
    return button;
  }

  function update(pre, code) {
    var wrapped = pre.classList.contains("themelion-wrapped");
    var wide = wrapped || isWide(code);
    var button = pre.querySelector(":scope > .md-code__nav > .themelion-wrap-toggle");
    if (wide && !button) button = wrapButton(pre, code);
    if (button) button.hidden = !wide;
    var nav = pre.querySelector(":scope > .md-code__nav");
    var clear = false;
    if (nav && nav.offsetWidth) {
      var style = getComputedStyle(code);
      var free = code.clientWidth - parseFloat(style.paddingLeft) - nav.offsetWidth - 8;
      clear = firstLineWidth(code) > free;
    }
    pre.classList.toggle("themelion-clear-nav", clear);
  }

  function setupCode(root) {
    var blocks = root.querySelectorAll(".md-typeset pre > code");
    Array.prototype.forEach.call(blocks, function (code) {
      var pre = code.parentElement;
      if (pre.classList.contains("themelion-diagram__art")) return;
      update(pre, code);
    });
  }

  function openDiagram(figure) {
    var dialog = document.createElement("dialog");
    dialog.className = "themelion-diagram-dialog md-typeset";
    var title = figure.querySelector(".themelion-diagram__title");
    var name = title ? title.textContent.trim() : "Diagrama";
    dialog.setAttribute("aria-label", "Diagrama ampliado: " + name);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "md-button themelion-diagram-dialog__close";
    close.textContent = "Fechar";
    close.addEventListener("click", function () { dialog.close(); });
    var heading = document.createElement("p");
    heading.className = "themelion-diagram-dialog__title";
    heading.textContent = name;
    var art = figure.querySelector("pre.themelion-diagram__art").cloneNode(true);
    var scroll = document.createElement("div");
    scroll.className = "themelion-diagram-dialog__scroll";
    scroll.tabIndex = 0;
    scroll.appendChild(art);
    dialog.appendChild(close);
    dialog.appendChild(heading);
    dialog.appendChild(scroll);
    dialog.addEventListener("close", function () {
      dialog.remove();
      var opener = figure.querySelector(".themelion-diagram__expand");
      if (opener) opener.focus();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    close.focus();
  }

  function setupDiagrams(root) {
    var figures = root.querySelectorAll("figure.themelion-diagram");
    Array.prototype.forEach.call(figures, function (figure) {
      var scroller = figure.querySelector(".themelion-diagram__scroll");
      if (!scroller) return;
      var wide = scroller.scrollWidth > scroller.clientWidth + 1;
      var button = figure.querySelector(".themelion-diagram__expand");
      if (wide && !button) {
        button = document.createElement("button");
        button.type = "button";
        button.className = "themelion-diagram__expand";
        button.textContent = "Ampliar diagrama";
        button.addEventListener("click", function () { openDiagram(figure); });
        figure.insertBefore(button, scroller);
      }
      if (button) button.hidden = !wide;
      figure.classList.toggle("themelion-diagram--wide", wide);
    });
  }

  function setup() {
    setupCode(document);
    setupDiagrams(document);
  }

  var pending = 0;
  function onResize() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () {
      pending = 0;
      setup();
    });
  }

  var listening = false;
  function start() {
    setup();
    if (!listening) window.addEventListener("resize", onResize);
    listening = true;
  }

  // Material adds its copy buttons when it mounts the page (document$); run after it.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { window.setTimeout(start, 0); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
