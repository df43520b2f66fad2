/*
 * Themelion — the learner's progress, kept in this browser only (localStorage).
 *
 * A lesson is «lida» once the learner reaches its «Pratique» section (or the end of the
 * page), and «concluída» when the learner presses «Marcar como concluída» in the lesson
 * header (pressing again undoes it). Lesson lists (room, module pages) show the mark of
 * each lesson and each module page counts how many of its lessons are done. Works over
 * http and file://; with storage blocked (private mode, policy) nothing is shown.
 */
(function () {
  "use strict";

  var PREFIX = "themelion:progresso:";
  var LABELS = { lida: "Lida", concluida: "Concluída" };

  function storage() {
    try {
      var probe = PREFIX + "teste";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function read(store, lesson) {
    var value = store.getItem(PREFIX + lesson);
    return value === "lida" || value === "concluida" ? value : null;
  }

  function write(store, lesson, state) {
    try {
      if (state) store.setItem(PREFIX + lesson, state);
      else store.removeItem(PREFIX + lesson);
    } catch (error) { /* quota or policy: the page still works without marks */ }
  }

  function paintButton(button, state) {
    var done = state === "concluida";
    button.setAttribute("aria-pressed", done ? "true" : "false");
    button.textContent = done ? "Concluída ✓ (desfazer)" : "Marcar como concluída";
    var status = button.parentNode.querySelector(".themelion-progress__state");
    if (status) status.textContent = state ? LABELS[state] : "Não lida";
  }

  function setupButton(store, button) {
    var lesson = button.getAttribute("data-lesson");
    paintButton(button, read(store, lesson));
    button.hidden = false;
    button.addEventListener("click", function () {
      var next = read(store, lesson) === "concluida" ? "lida" : "concluida";
      write(store, lesson, next);
      paintButton(button, next);
    });
    var end = document.getElementById("pratique") || document.getElementById("referencias");
    if (!end || !("IntersectionObserver" in window)) return;
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        if (!read(store, lesson)) {
          write(store, lesson, "lida");
          paintButton(button, "lida");
        }
        observer.disconnect();
      });
    });
    observer.observe(end);
  }

  function paintMarks(store, root) {
    var marks = root.querySelectorAll(".themelion-progress-mark[data-lesson]");
    Array.prototype.forEach.call(marks, function (mark) {
      var state = read(store, mark.getAttribute("data-lesson"));
      mark.textContent = state ? LABELS[state] : "";
      mark.className = "themelion-progress-mark" + (state ? " themelion-progress-mark--" + state : "");
    });
    var summaries = root.querySelectorAll(".themelion-lessons");
    Array.prototype.forEach.call(summaries, function (list) {
      var all = list.querySelectorAll(".themelion-progress-mark[data-lesson]");
      if (!all.length) return;
      var done = 0;
      Array.prototype.forEach.call(all, function (mark) {
        if (read(store, mark.getAttribute("data-lesson")) === "concluida") done += 1;
      });
      var note = list.querySelector(".themelion-progress-count");
      if (!note) {
        note = document.createElement("p");
        note.className = "themelion-progress-count";
        list.insertBefore(note, list.firstChild);
      }
      note.textContent = done + " de " + all.length + " lições concluídas neste navegador";
    });
  }

  function start() {
    var store = storage();
    if (!store) return;
    var buttons = document.querySelectorAll(".themelion-progress[data-lesson]");
    Array.prototype.forEach.call(buttons, function (button) { setupButton(store, button); });
    paintMarks(store, document);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { window.setTimeout(start, 0); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
