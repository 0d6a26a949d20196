/* firedrill: small progressive enhancements.
   Runs under CSP default-src 'self': no eval, no inline handlers, no inline
   styles (state is shown by toggling classes and attributes). Every feature
   checks that its elements exist, so pages without code blocks or spoilers
   do nothing and log nothing. */
(function () {
  "use strict";

  var COPIED_MS = 2000;
  var status = null;

  /* One polite live region, created on first use, so screen-reader users
     hear "Copied" even though the button label changes silently. */
  function announce(message) {
    if (!document.body) {
      return;
    }
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  /* ------------------------------------------------------------------
     Copy buttons on code blocks
     ------------------------------------------------------------------ */
  function codeText(pre) {
    var text = pre.textContent || "";
    return text.replace(/\n+$/, "");
  }

  function selectContents(node) {
    try {
      var selection = window.getSelection && window.getSelection();
      if (!selection || !document.createRange) {
        return false;
      }
      var range = document.createRange();
      range.selectNodeContents(node);
      selection.removeAllRanges();
      selection.addRange(range);
      return true;
    } catch (err) {
      return false;
    }
  }

  /* Fallback when the async clipboard is missing or refused: select the
     code so the reader can press Ctrl+C / Cmd+C, and try the legacy copy
     command while the selection is there. Never throws. */
  function fallbackCopy(pre) {
    var selected = selectContents(pre);
    var copied = false;
    if (selected && typeof document.execCommand === "function") {
      try {
        copied = document.execCommand("copy") === true;
      } catch (err) {
        copied = false;
      }
    }
    if (copied) {
      return "copied";
    }
    return selected ? "selected" : "failed";
  }

  function showResult(button, result) {
    var label = button.getAttribute("data-label") || "Copy";
    window.clearTimeout(button._firedrillTimer);
    button.classList.remove("is-copied", "is-selected");
    if (result === "copied") {
      button.textContent = "Copied";
      button.classList.add("is-copied");
      announce("Copied to clipboard");
    } else if (result === "selected") {
      button.textContent = "Selected";
      button.classList.add("is-selected");
      announce("Code selected. Press Control+C or Command+C to copy.");
    } else {
      button.textContent = "Copy failed";
      announce("Could not copy. Select the code to copy it.");
    }
    button._firedrillTimer = window.setTimeout(function () {
      button.textContent = label;
      button.classList.remove("is-copied", "is-selected");
    }, COPIED_MS);
  }

  function copyFrom(button, pre) {
    var text = codeText(pre);
    var clipboard = navigator.clipboard;
    if (clipboard && typeof clipboard.writeText === "function" && window.isSecureContext !== false) {
      var promise;
      try {
        promise = clipboard.writeText(text);
      } catch (err) {
        promise = null;
      }
      if (promise && typeof promise.then === "function") {
        promise.then(
          function () {
            showResult(button, "copied");
          },
          function () {
            showResult(button, fallbackCopy(pre));
          }
        );
        return;
      }
    }
    showResult(button, fallbackCopy(pre));
  }

  function setupCopyButtons() {
    var buttons = document.querySelectorAll(".codeblock > button.copy");
    Array.prototype.forEach.call(buttons, function (button) {
      var block = button.parentNode;
      var pre = block && block.querySelector("pre");
      if (!pre) {
        return;
      }
      button.setAttribute("data-label", (button.textContent || "Copy").trim() || "Copy");
      button.hidden = false;
      button.addEventListener("click", function () {
        try {
          copyFrom(button, pre);
        } catch (err) {
          showResult(button, "failed");
        }
      });
    });
  }

  /* ------------------------------------------------------------------
     Spoilers: one "Reveal all answers" / "Hide all answers" toggle
     ------------------------------------------------------------------ */
  function setupSpoilerToggle() {
    var spoilers = document.querySelectorAll("details.spoiler");
    if (!spoilers.length) {
      return;
    }
    var first = spoilers[0];
    if (!first.parentNode) {
      return;
    }

    /* Use a server-rendered bar if the template provides one (no layout
       shift), otherwise build it. */
    var bar = document.querySelector(".spoiler-controls");
    var button = bar ? bar.querySelector("button.reveal-all") : null;
    var built = !button;
    var note = bar ? bar.querySelector("p") : null;
    if (built) {
      bar = document.createElement("div");
      bar.className = "spoiler-controls";
      note = document.createElement("p");
      button = document.createElement("button");
      button.type = "button";
      button.className = "reveal-all";
      bar.appendChild(note);
      bar.appendChild(button);
    }
    var ids = [];
    Array.prototype.forEach.call(spoilers, function (d) {
      if (d.id) {
        ids.push(d.id);
      }
    });
    if (ids.length) {
      button.setAttribute("aria-controls", ids.join(" "));
    }

    function allOpen() {
      return Array.prototype.every.call(spoilers, function (d) {
        return d.open;
      });
    }

    var one = spoilers.length === 1;
    var plural = one ? "answer" : "answers";
    /* The note says what the button's state is: hidden, or shown. */
    var hiddenNote = one
      ? "The answer below is hidden. Work out your approach first, then reveal it."
      : "The answers below are hidden. Work out your approach first, then reveal them.";
    var shownNote = one
      ? "The answer is shown below. Hide it to try again from memory."
      : "The answers are shown below. Hide them to try again from memory.";

    function refresh() {
      var open = allOpen();
      if (note) {
        note.textContent = open ? shownNote : hiddenNote;
      }
      button.textContent = (open ? "Hide all " : "Reveal all ") + plural;
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    button.addEventListener("click", function () {
      var open = !allOpen();
      Array.prototype.forEach.call(spoilers, function (d) {
        d.open = open;
      });
      refresh();
    });

    Array.prototype.forEach.call(spoilers, function (d) {
      d.addEventListener("toggle", refresh);
    });

    if (built) {
      first.parentNode.insertBefore(bar, first);
    } else {
      bar.hidden = false;
    }
    refresh();
  }

  /* Open the answer that holds the target of a #fragment (e.g. #step-3). */
  function revealTarget() {
    var id = window.location.hash ? window.location.hash.slice(1) : "";
    if (!id) {
      return;
    }
    var target;
    try {
      target = document.getElementById(decodeURIComponent(id));
    } catch (err) {
      target = document.getElementById(id);
    }
    var details = target && target.closest ? target.closest("details") : null;
    if (details && !details.open) {
      details.open = true;
      if (target.scrollIntoView) {
        target.scrollIntoView();
      }
    }
  }

  /* Print every answer, then put things back as they were. */
  function setupPrint() {
    var reopened = [];
    window.addEventListener("beforeprint", function () {
      reopened = [];
      Array.prototype.forEach.call(document.querySelectorAll("details:not([open])"), function (d) {
        d.open = true;
        reopened.push(d);
      });
    });
    window.addEventListener("afterprint", function () {
      reopened.forEach(function (d) {
        d.open = false;
      });
      reopened = [];
    });
  }

  /* ------------------------------------------------------------------
     Small touches
     ------------------------------------------------------------------ */

  /* Tell IMMEDIATE FIX and PERMANENT FIX labels apart by colour. */
  function classifyFixBadges() {
    var badges = document.querySelectorAll(".badge-fix");
    Array.prototype.forEach.call(badges, function (badge) {
      var text = (badge.textContent || "").toLowerCase();
      if (/immediate|mitigat|workaround|stop.?gap|short.?term/.test(text)) {
        badge.classList.add("is-immediate");
      } else if (/permanent|long.?term|durable|follow.?up|prevent/.test(text)) {
        badge.classList.add("is-permanent");
      }
    });
  }

  /* Highlight the main navigation entry for the current section. */
  function markCurrentNav() {
    var path = window.location.pathname;
    var links = document.querySelectorAll(".site-header nav a");
    Array.prototype.forEach.call(links, function (link) {
      var href = link.getAttribute("href") || "";
      var active = href === "/"
        ? path === "/" || path.indexOf("/scenarios/") === 0
        : path === href || path.indexOf(href + "/") === 0;
      if (active) {
        link.classList.add("is-active");
        if (path === href && !link.hasAttribute("aria-current")) {
          link.setAttribute("aria-current", "page");
        }
      }
    });
  }

  /* ------------------------------------------------------------------
     Header: the phone menu, and the light/dark switch (remembered)
     ------------------------------------------------------------------ */
  function setupDisclosure(button, panel) {
    if (!button || !panel) {
      return;
    }
    function set(open) {
      panel.classList.toggle("is-open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        set(false);
        button.focus();
      }
    });
  }

  function setupMenu() {
    setupDisclosure(document.querySelector(".menu-button"), document.getElementById("site-menu"));
  }

  function setupFilters() {
    setupDisclosure(document.querySelector(".filters-toggle"), document.getElementById("filters"));
  }

  var THEMES = ["auto", "light", "dark"];
  var THEME_LABELS = { auto: "Auto", light: "Light", dark: "Dark" };

  function currentTheme() {
    var theme = document.documentElement.getAttribute("data-theme");
    return theme === "light" || theme === "dark" ? theme : "auto";
  }

  function setupThemeSwitch() {
    var button = document.querySelector("[data-theme-switch]");
    if (!button) {
      return;
    }
    function show() {
      var theme = currentTheme();
      var next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
      button.textContent = "Theme: " + THEME_LABELS[theme];
      button.setAttribute("data-current", theme);
      button.title = theme === "auto"
        ? "Following your system's setting. Switch to " + THEME_LABELS[next].toLowerCase() + "."
        : "Switch to " + (next === "auto" ? "your system's setting" : THEME_LABELS[next].toLowerCase()) + ".";
    }
    button.addEventListener("click", function () {
      var theme = currentTheme();
      var next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
      var root = document.documentElement;
      if (next === "auto") {
        root.removeAttribute("data-theme");
      } else {
        root.setAttribute("data-theme", next);
      }
      try {
        if (next === "auto") {
          window.localStorage.removeItem("firedrill-theme");
        } else {
          window.localStorage.setItem("firedrill-theme", next);
        }
      } catch (err) {
        /* Not remembered, but applied to this page. */
      }
      show();
    });
    show();
    button.hidden = false;
  }

  function run(fn) {
    try {
      fn();
    } catch (err) {
      /* An enhancement failing must not break the page or the others. */
    }
  }

  // Drafts: what a learner types into an answer form is kept in this browser until it is
  // submitted, so a reload or a lost connection loses nothing; Ctrl+Enter (Cmd+Enter) submits.
  var DRAFT_PREFIX = "firedrill-draft:";

  function draftKey(form) {
    var round = form.querySelector('input[name="round"]');
    var scenario = form.querySelector('input[name="scenario"]');
    var which = round ? "round-" + round.value : scenario ? scenario.value : "answer";
    return DRAFT_PREFIX + window.location.pathname + ":" + which;
  }

  function storage() {
    try {
      var s = window.localStorage;
      s.setItem(DRAFT_PREFIX + "probe", "1");
      s.removeItem(DRAFT_PREFIX + "probe");
      return s;
    } catch (e) {
      return null;
    }
  }

  function setupDrafts() {
    var store = storage();
    var forms = document.querySelectorAll("form.answer-form");
    Array.prototype.forEach.call(forms, function (form) {
      var area = form.querySelector("textarea");
      if (!area) return;
      var key = draftKey(form);
      if (store) {
        var saved = null;
        try {
          saved = JSON.parse(store.getItem(key) || "null");
        } catch (e) {
          saved = null;
        }
        // A draft fills only an empty form: an answer the server sent back wins.
        if (saved && saved.text && !area.value.trim()) {
          area.value = saved.text;
          var note = document.createElement("p");
          note.className = "draft-note form-hint";
          note.setAttribute("role", "status");
          var when = new Date(saved.at);
          note.textContent = "Restored your unsent draft from " +
            when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ". ";
          var discard = document.createElement("button");
          discard.type = "button";
          discard.className = "link-button";
          discard.textContent = "Discard it";
          discard.addEventListener("click", function () {
            area.value = "";
            store.removeItem(key);
            note.remove();
            area.focus();
          });
          note.appendChild(discard);
          area.parentNode.insertBefore(note, area);
        }
        var timer = null;
        area.addEventListener("input", function () {
          window.clearTimeout(timer);
          timer = window.setTimeout(function () {
            if (area.value.trim()) {
              store.setItem(key, JSON.stringify({ text: area.value, at: Date.now() }));
            } else {
              store.removeItem(key);
            }
          }, 300);
        });
        form.addEventListener("submit", function () {
          window.clearTimeout(timer);
          store.removeItem(key);
        });
      }
      area.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          if (form.requestSubmit) {
            form.requestSubmit();
          } else {
            form.submit();
          }
        }
      });
    });
  }

  // The investigation console with JavaScript: a command runs without leaving the page (the
  // same form post, its answer read from the returned page), and the up and down arrows walk
  // through the commands typed so far. Without JavaScript the form posts and the page reloads.
  function setupConsole() {
    var panel = document.getElementById("console");
    if (!panel || !window.fetch || !window.DOMParser) return;
    var history = [];
    var at = 0;

    function readHistory() {
      history = Array.prototype.map.call(
        document.querySelectorAll("#console .transcript-command code"),
        function (code) { return code.textContent.replace(/^\$ /, ""); }
      );
      at = history.length;
    }

    function bind(panel) {
      var form = panel.querySelector("form.console-form");
      var input = panel.querySelector("#console-command");
      if (!form || !input) return;
      readHistory();
      input.addEventListener("keydown", function (event) {
        if (event.key === "ArrowUp" && at > 0) {
          at -= 1;
          input.value = history[at];
          event.preventDefault();
        } else if (event.key === "ArrowDown" && at < history.length) {
          at += 1;
          input.value = at < history.length ? history[at] : "";
          event.preventDefault();
        }
      });
      form.addEventListener("submit", function (event) {
        if (!input.value.trim()) return;
        event.preventDefault();
        send(form, "Command run");
      });
      // A hint is the same kind of post: the console comes back with the hint in it.
      var hint = panel.querySelector("form.hint-form");
      if (hint) {
        hint.addEventListener("submit", function (event) {
          event.preventDefault();
          send(hint, "Hint shown");
        });
      }
    }

    function send(form, done) {
      var button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      window.fetch(form.action, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded" }
      }).then(function (response) {
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.getElementById("console");
          if (!response.ok || !fresh) {
            // An error page (too long, rate limited...): show it as the browser would.
            form.submit();
            return;
          }
          // A first command gives a new visitor their identity: every form on the page takes
          // the token the fresh page carries.
          var token = fresh.querySelector('input[name="csrf"]');
          if (token) {
            Array.prototype.forEach.call(document.querySelectorAll('input[name="csrf"]'), function (i) {
              i.value = token.value;
            });
          }
          panel.replaceWith(fresh);
          panel = fresh;
          bind(fresh);
          var again = fresh.querySelector("#console-command");
          if (again) again.focus();
          var entries = fresh.querySelectorAll(".transcript-entry, .hint-list li");
          if (entries.length) entries[entries.length - 1].scrollIntoView({ block: "nearest" });
          announce(done);
        });
      }).catch(function () {
        form.submit();
      });
    }

    bind(panel);
  }

  function init() {
    run(setupCopyButtons);
    run(setupSpoilerToggle);
    run(revealTarget);
    run(setupPrint);
    run(classifyFixBadges);
    run(markCurrentNav);
    run(setupMenu);
    run(setupFilters);
    run(setupThemeSwitch);
    run(setupDrafts);
    run(setupConsole);
    window.addEventListener("hashchange", function () {
      run(revealTarget);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
