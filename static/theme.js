/* Runs before the first paint (a blocking script in <head>): marks that scripts run, and
   applies the colour theme the reader picked, so a dark page never flashes light. */
(function () {
  var root = document.documentElement;
  root.classList.add("js");
  try {
    var theme = window.localStorage.getItem("firedrill-theme");
    if (theme === "light" || theme === "dark") {
      root.setAttribute("data-theme", theme);
    }
  } catch (err) {
    /* Storage refused (private mode, blocked): follow the system. */
  }
})();
