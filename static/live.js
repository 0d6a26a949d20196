/* firedrill: live interviews. The console and the candidate's page follow the
   interview's event stream (server-sent events; the browser reconnects by
   itself and the server replays what was missed). Forms still work without
   this script: they post and come back to the page. */
(function () {
  "use strict";

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function data(event) {
    try {
      return JSON.parse(event.data);
    } catch (err) {
      return {};
    }
  }

  function elapsed(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    var h = Math.floor(s / 3600);
    return (h ? h + ":" + pad(Math.floor(s / 60) % 60) : pad(Math.floor(s / 60))) + ":" + pad(s % 60);
  }

  /* A time as every page shows one (src/utc.rs): 2026-11-28 01:53 UTC. */
  function utc(ms) {
    var d = new Date(ms);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";
  }

  /* POST a form (with the button that submitted it) as the console's script:
     the server answers 204 and the change arrives on the event stream. */
  function post(form, submitter) {
    var body = new URLSearchParams(new FormData(form, submitter || undefined));
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    });
  }

  /* A stream the server refused (the interview is over, or the session has ended): reload to
     show why. Refused because too many live streams are open (429), a reload would be refused
     again at once: say so, and try again when the server says to. */
  function whenRefused(source, root) {
    source.addEventListener("error", function () {
      if (source.readyState !== EventSource.CLOSED) {
        return;
      }
      fetch(source.url, { method: "HEAD", credentials: "same-origin" }).then(function (response) {
        if (response.status !== 429) {
          window.location.reload();
          return;
        }
        var wait = Number(response.headers.get("Retry-After")) || 30;
        var notice = document.createElement("p");
        notice.className = "notice";
        notice.setAttribute("role", "status");
        notice.textContent = "Live updates are paused: too many live streams are open. " +
          "Close other tabs showing this interview; this page tries again in " + wait + " seconds.";
        root.insertBefore(notice, root.firstChild);
        window.setTimeout(function () { window.location.reload(); }, wait * 1000);
      }, function () {
        window.location.reload();
      });
    });
  }

  /* The investigation console's commands and answers go to static/live-console.js, as a
     `live-typed` or `live-answered` event on the page's root with the data and its number. */
  function forward(root, name) {
    return function (d, source, event) {
      var detail = { data: d, seq: Number(event.lastEventId) };
      root.dispatchEvent(new CustomEvent("live-" + name, { detail: detail }));
    };
  }

  function follow(url, handlers) {
    var source = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) {
        handlers[name](data(event), source, event);
      });
    });
    return source;
  }

  /* ------------------------------------------------------------------
     The interviewer's console
     ------------------------------------------------------------------ */
  function setupConsole(root) {
    var started = Number(root.getAttribute("data-started")) || Date.now();
    var clock = $("[data-clock]", root);
    if (clock) {
      var tick = function () { clock.textContent = elapsed(Date.now() - started); };
      tick();
      window.setInterval(tick, 1000);
    }
    var link = $("input[data-absolute]", root);
    if (link) {
      link.value = window.location.origin + link.value;
      var copy = $("[data-copy]", root);
      if (copy && navigator.clipboard) {
        copy.hidden = false;
        copy.addEventListener("click", function () {
          navigator.clipboard.writeText(link.value).then(function () { copy.textContent = "Copied"; });
        });
      }
    }
    var notes = $("#candidate-notes", root);
    var notesStatus = $("#candidate-notes-status", root);
    var source = follow(root.getAttribute("data-events"), {
      notes: function (d) {
        if (notes && typeof d.text === "string") {
          notes.textContent = d.text;
        }
        if (notesStatus) {
          notesStatus.textContent = d.at ? "Updated " + utc(d.at) : "Nothing written yet.";
        }
      },
      suggestions: function (d) {
        Object.keys(d.items || {}).forEach(function (id) {
          var badge = root.querySelector('[data-suggestion="' + CSS.escape(id) + '"]');
          if (badge) {
            badge.textContent = d.items[id];
            badge.className = "verdict-badge verdict-" + d.items[id];
          }
        });
        var traps = $("#grader-traps", root);
        var list = $("#grader-traps-list", root);
        if (traps && list) {
          list.textContent = "";
          (d.traps || []).forEach(function (claim) {
            var li = document.createElement("li");
            li.textContent = claim;
            list.appendChild(li);
          });
          traps.hidden = !(d.traps || []).length;
        }
      },
      ticked: function (d) {
        var item = document.getElementById("tick-" + d.item);
        if (!item) {
          return;
        }
        Array.prototype.forEach.call(item.querySelectorAll("button[name=verdict]"), function (b) {
          b.setAttribute("aria-pressed", b.value === d.verdict ? "true" : "false");
        });
      },
      revealed: function (d) {
        var item = document.getElementById("reveal-" + d.what + "-" + d.index);
        if (item) {
          item.classList.add("is-revealed");
          var button = $("button", item);
          if (button) {
            button.disabled = true;
            button.textContent = "Revealed";
          }
        }
      },
      asked: function (d) {
        var item = document.getElementById("follow-up-" + d.index);
        if (!item || item.classList.contains("is-asked")) {
          return;
        }
        item.classList.add("is-asked");
        var at = $("[data-asked-at]", item);
        if (at) {
          at.textContent = elapsed(Date.now() - started);
        }
        var button = $("button", item);
        if (button) {
          button.disabled = true;
          button.textContent = "Asked";
        }
      },
      noted: function (d, source) {
        var list = d.round ? document.getElementById("note-list-" + d.round) : $("#note-list", root);
        if (!list || typeof d.text !== "string") {
          return;
        }
        var li = document.createElement("li");
        var time = document.createElement("span");
        time.className = "note-time";
        time.textContent = elapsed(Date.now() - started);
        li.appendChild(time);
        li.appendChild(document.createTextNode(" " + d.text));
        list.appendChild(li);
        void source;
      },
      opened: function (d) {
        openRound(root, d.round, elapsed(Date.now() - started));
      },
      typed: forward(root, "typed"),
      answered: forward(root, "answered"),
      ended: function (d, source) {
        source.close();
        leave(root.getAttribute("data-scorecard"));
      }
    });
    whenRefused(source, root);
    Array.prototype.forEach.call(root.querySelectorAll("form[data-live-form]"), function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var question = form.getAttribute("data-confirm");
        if (question && !window.confirm(question)) {
          return;
        }
        post(form, event.submitter).then(function (response) {
          if (!response.ok) {
            form.submit(); /* show the server's error page */
          } else if (form.hasAttribute("data-then")) {
            leave(form.getAttribute("data-then"));
          } else if (form.hasAttribute("data-reset")) {
            form.reset();
          }
        }, function () {
          form.submit();
        });
      });
    });
  }

  /* A gauntlet's round was opened: it becomes the current round (expanded, the one before
     collapsed), its controls work, and the form offers the round after it. */
  function openRound(root, number, at) {
    var round = document.getElementById("live-round-" + number);
    if (!round || round.classList.contains("is-opened")) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll(".live-round.is-current"), function (r) {
      r.classList.remove("is-current");
      r.open = false;
    });
    round.classList.add("is-opened", "is-current");
    round.open = true;
    var status = $("[data-round-status]", round);
    if (status) {
      status.textContent = "opened at " + at;
    }
    Array.prototype.forEach.call(round.querySelectorAll("[data-until-opened]"), function (b) {
      b.disabled = false;
    });
    var form = $("#open-round", root);
    var next = document.getElementById("live-round-" + (number + 1));
    if (!form) {
      return;
    }
    if (next) {
      $("[data-next-round]", form).value = String(number + 1);
      $("[data-open-label]", form).textContent = "Open round " + (number + 1) + ": " + next.getAttribute("data-name");
    } else {
      form.hidden = true;
      var all = $("#all-opened", root);
      if (all) {
        all.hidden = false;
      }
    }
  }

  /* Navigates once, whether the stream's end or the form's answer comes first. */
  var leaving = false;
  function leave(url) {
    if (!leaving) {
      leaving = true;
      window.location.assign(url);
    }
  }

  /* ------------------------------------------------------------------
     The candidate's page
     ------------------------------------------------------------------ */
  function setupCandidate(root) {
    var list = $("#revealed", root);
    var empty = $("#no-evidence", root);
    var questions = $("#questions", root);
    var noQuestions = $("#no-questions", root);
    var source = follow(root.getAttribute("data-events"), {
      /* A gauntlet's round opened: its question, as text. */
      opened: function (d) {
        if (!questions || typeof d.question !== "string" || document.getElementById("question-" + d.round)) {
          return;
        }
        var li = document.createElement("li");
        li.id = "question-" + d.round;
        var label = document.createElement("p");
        label.className = "round-label";
        label.textContent = "Round " + d.round;
        var quote = document.createElement("blockquote");
        quote.className = "round-question";
        var text = document.createElement("p");
        text.textContent = d.question;
        quote.appendChild(text);
        li.appendChild(label);
        li.appendChild(quote);
        questions.appendChild(li);
        if (noQuestions) {
          noQuestions.hidden = true;
        }
      },
      revealed: function (d) {
        if (!list || typeof d.html !== "string") {
          return;
        }
        var li = document.createElement("li");
        li.innerHTML = d.html; /* sanitized by the server when the content loaded */
        list.appendChild(li);
        if (empty) {
          empty.hidden = true;
        }
      },
      typed: forward(root, "typed"),
      answered: forward(root, "answered"),
      ended: function (d, s) {
        s.close();
        window.location.reload();
      }
    });
    whenRefused(source, root);

    var form = $("form[data-notes-form]", root);
    var text = form && $("textarea", form);
    var status = $("#notes-status", root);
    if (!form || !text) {
      return;
    }
    var timer = null;
    var saved = text.value;
    function save() {
      window.clearTimeout(timer);
      timer = null;
      if (text.value === saved) {
        return;
      }
      var value = text.value;
      post(form).then(function (response) {
        if (response.status === 410) {
          window.location.reload();
        } else if (response.ok) {
          saved = value;
          if (status) {
            status.textContent = "Saved at " + utc(Date.now()) + ".";
          }
        } else if (response.status === 429 || response.status === 503) {
          /* Too many saves, or the server is busy scoring: try again when it says, so the
             last words are saved even if typing has stopped. */
          var wait = parseInt(response.headers.get("Retry-After"), 10) || 2;
          if (status) {
            status.textContent = "Not saved yet: the server is busy. Trying again in " + wait + " s.";
          }
          if (timer === null) {
            timer = window.setTimeout(save, wait * 1000);
          }
        } else if (status) {
          status.textContent = "Not saved (" + response.status + "). Keep typing; it will try again.";
        }
      }, function () {
        if (status) {
          status.textContent = "Not saved: the connection dropped. Keep typing; it will try again.";
        }
      });
    }
    text.addEventListener("input", function () {
      if (status) {
        status.textContent = "Saving…";
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 600);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      saved = null;
      save();
    });
    window.addEventListener("pagehide", save);
  }

  function init() {
    var console = $("[data-console]");
    if (console) {
      setupConsole(console);
    }
    var candidate = $("[data-candidate]");
    if (candidate) {
      setupCandidate(candidate);
    }
    Array.prototype.forEach.call(document.querySelectorAll("button[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
