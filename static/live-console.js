/* firedrill: the investigation console of a live interview. The candidate's commands post
   without leaving the page and come back on the interview's event stream (static/live.js
   forwards them here as `live-typed` and `live-answered`); the interviewer's console shows
   each as it arrives, with the step it matched, and answers it without leaving the page.
   Without this script the forms post and the page reloads. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /* A step's output, a paragraph a line, as the server renders it. */
  function output(lines) {
    var div = el("div", "transcript-output");
    (lines || []).forEach(function (line) {
      div.appendChild(el("p", null, line));
    });
    return div;
  }

  function command(text) {
    var pre = el("pre", "transcript-command");
    pre.appendChild(el("code", null, "$ " + text));
    return pre;
  }

  function post(form) {
    return fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    });
  }

  function on(root, name, handle) {
    root.addEventListener("live-" + name, function (event) {
      var detail = event.detail || {};
      handle(detail.data || {}, detail.seq);
    });
  }

  function stepLabel(step, title) {
    return "Step " + (step + 1) + (title ? ": " + title : "");
  }

  /* ------------------------------------------------------------------
     The interviewer's console
     ------------------------------------------------------------------ */
  function setupInterviewer(root, panel) {
    var list = panel.querySelector("#live-commands");
    var empty = panel.querySelector("#no-commands");
    var action = panel.getAttribute("data-action");
    var csrf = panel.getAttribute("data-csrf");

    function answerForm(fields, label, secondary) {
      var form = el("form", "output-form");
      form.method = "post";
      form.action = action;
      fields.csrf = csrf;
      Object.keys(fields).forEach(function (name) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = String(fields[name]);
        form.appendChild(input);
      });
      var button = el("button", secondary ? "secondary" : null, label);
      button.type = "submit";
      form.appendChild(button);
      return form;
    }

    function add(li) {
      list.appendChild(li);
      if (empty) {
        empty.hidden = true;
      }
    }

    function shown(step) {
      var item = document.getElementById("path-step-" + step);
      if (!item) {
        return;
      }
      item.classList.add("is-shown");
      var button = item.querySelector("button");
      if (button) {
        button.disabled = true;
        button.textContent = "Shown";
      }
    }

    on(root, "typed", function (d, seq) {
      if (!list || document.getElementById("command-" + seq)) {
        return;
      }
      var li = el("li", "transcript-entry live-command");
      li.id = "command-" + seq;
      li.appendChild(command(d.command || ""));
      var matched = typeof d.step === "number";
      if (d.harm) {
        li.classList.add("is-harmful");
        li.appendChild(el("p", "command-reading transcript-harm",
          "Harmful: on a production system this " + d.harm + ". Not run; the candidate is told so."));
      } else if (matched) {
        li.appendChild(el("p", "command-reading", stepLabel(d.step, d.title)));
        if ((d.output || []).length) {
          li.appendChild(output(d.output));
        }
      } else {
        li.classList.add("is-unmatched");
        li.appendChild(el("p", "command-reading", "Nothing on the path"));
      }
      var controls = el("div", "command-controls");
      if (!d.harm) {
        controls.appendChild(matched
          ? answerForm({ typed: seq, step: d.step }, "Show the output", false)
          : answerForm({ typed: seq }, "Answer: nothing relevant", true));
      }
      li.appendChild(controls);
      add(li);
    });

    on(root, "answered", function (d, seq) {
      var step = typeof d.step === "number" ? d.step : null;
      if (step !== null) {
        shown(step);
      }
      if (typeof d.typed === "number") {
        var li = document.getElementById("command-" + d.typed);
        if (!li || li.classList.contains("is-answered")) {
          return;
        }
        li.classList.add("is-answered");
        var controls = li.querySelector(".command-controls");
        if (controls) {
          controls.textContent = "";
          controls.appendChild(el("p", "command-status", step === null
            ? "Answered: nothing relevant" : "Output of step " + (step + 1) + " shown"));
        }
        return;
      }
      if (!list || document.getElementById("command-" + seq)) {
        return;
      }
      var alone = el("li", "transcript-entry live-command is-answered");
      alone.id = "command-" + seq;
      alone.appendChild(el("p", "command-reading", stepLabel(step || 0, d.title) + ", shown on its own"));
      alone.appendChild(output(d.lines));
      add(alone);
    });

    panel.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form.classList || !form.classList.contains("output-form")) {
        return;
      }
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) {
        button.disabled = true;
      }
      post(form).then(function (response) {
        if (!response.ok) {
          form.submit(); /* show the server's error page */
        }
      }, function () {
        form.submit();
      });
    });
  }

  /* ------------------------------------------------------------------
     The candidate's page
     ------------------------------------------------------------------ */
  function setupCandidate(root, panel) {
    var list = panel.querySelector("#transcript");
    var form = panel.querySelector("form.console-form");
    var input = panel.querySelector("#interview-command");
    var history = [];
    var at = 0;

    function readHistory() {
      history = Array.prototype.map.call(
        panel.querySelectorAll(".transcript-command code"),
        function (code) { return code.textContent.replace(/^\$ /, ""); }
      );
      at = history.length;
    }

    function add(li) {
      list.appendChild(li);
      li.scrollIntoView({ block: "nearest" });
    }

    on(root, "typed", function (d, seq) {
      if (!list || document.getElementById("entry-" + seq)) {
        return;
      }
      var li = el("li", "transcript-entry");
      li.id = "entry-" + seq;
      li.appendChild(command(d.command || ""));
      if (d.harm) {
        li.classList.add("is-harmful");
        li.appendChild(el("p", "transcript-harm",
          "Not run: on a production system this " + d.harm + ". Your interviewer sees it."));
      } else {
        li.appendChild(el("p", "transcript-waiting", "Sent to your interviewer."));
      }
      add(li);
      readHistory();
    });

    on(root, "answered", function (d, seq) {
      if (!list) {
        return;
      }
      if (typeof d.typed === "number") {
        var li = document.getElementById("entry-" + d.typed);
        var waiting = li && li.querySelector(".transcript-waiting");
        if (waiting) {
          li.replaceChild(output(d.lines), waiting);
        }
        return;
      }
      if (document.getElementById("entry-" + seq)) {
        return;
      }
      var alone = el("li", "transcript-entry");
      alone.id = "entry-" + seq;
      alone.appendChild(el("p", "transcript-shown", "Your interviewer shows you this output:"));
      alone.appendChild(output(d.lines));
      add(alone);
    });

    if (!form || !input) {
      return;
    }
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
      if (!input.value.trim()) {
        return;
      }
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      if (button) {
        button.disabled = true;
      }
      post(form).then(function (response) {
        if (button) {
          button.disabled = false;
        }
        if (response.status === 410) {
          window.location.reload();
        } else if (!response.ok) {
          form.submit(); /* show the server's message */
        } else {
          input.value = "";
          input.focus();
        }
      }, function () {
        form.submit();
      });
    });
  }

  function init() {
    var panel = document.querySelector("[data-live-console]");
    var console = document.querySelector("[data-console]");
    if (panel && console) {
      setupInterviewer(console, panel);
    }
    var own = document.querySelector("[data-candidate-console]");
    var candidate = document.querySelector("[data-candidate]");
    if (own && candidate) {
      setupCandidate(candidate, own);
    }
  }

  init();
})();
