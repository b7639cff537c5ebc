/* watchkeeper dashboard: colour theme (auto, light, dark), applied before the page
   paints so that a dark-mode user never sees a white flash. The choice is kept in
   localStorage; "auto" follows prefers-color-scheme. */
(function () {
  "use strict";
  var KEY = "wk-theme";
  var ORDER = ["auto", "light", "dark"];

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return ORDER.indexOf(value) >= 0 ? value : "auto";
    } catch (err) {
      return "auto";
    }
  }

  function apply(theme) {
    var root = document.documentElement;
    if (theme === "auto") {
      root.removeAttribute("data-theme");
    } else {
      root.setAttribute("data-theme", theme);
    }
  }

  function label(button, theme) {
    button.textContent = "Theme: " + theme;
    button.setAttribute(
      "aria-label",
      theme === "auto" ? "colour theme: follows the system; switch to light" :
        "colour theme: " + theme + "; switch to " + ORDER[(ORDER.indexOf(theme) + 1) % 3]
    );
  }

  apply(stored());
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("wk-theme");
    if (!button) {
      return;
    }
    label(button, stored());
    button.addEventListener("click", function () {
      var next = ORDER[(ORDER.indexOf(stored()) + 1) % ORDER.length];
      try {
        window.localStorage.setItem(KEY, next);
      } catch (err) {
        /* private mode: the theme lasts for this page only */
      }
      apply(next);
      label(button, next);
      document.dispatchEvent(new CustomEvent("wk-theme", { detail: next }));
    });
  });
})();
