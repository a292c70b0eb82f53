// Site-wide JavaScript (ES module). Load with:
//   <script type="module" src="{% static 'js/app.js' %}"></script>
//
// CSP-safe: no inline script, no eval. GOV.UK Frontend normally relies on an
// inline <script> in <body> to add the classes below; we add them here instead.
// The relative import resolves to /static/govuk/govuk-frontend.min.js.
import { initAll } from "../govuk/govuk-frontend.min.js";

// GOV.UK Frontend 6 checks `document.body.classList.contains("govuk-frontend-supported")`
// before initialising any component (its template sets it only when the browser
// supports ES modules, which is guaranteed inside a module script).
// All v6 component CSS keys off `.govuk-frontend-supported` (accordion, tabs,
// conditional radios/checkboxes). `js-enabled` is not used by v6 itself; the
// official template still adds it, so we do too for any app-level styles.
document.body.classList.add("js-enabled", "govuk-frontend-supported");

// Components already initialised throw InitError when initAll() runs again;
// that is expected after an htmx swap, so ignore only that error.
function onError(error) {
  if (error && error.name === "InitError") {
    return;
  }
  console.error(error);
}

initAll({ onError });

// Initialise GOV.UK components (error summary, radios, buttons, ...) that arrive
// in htmx-swapped content.
document.body.addEventListener("htmx:afterSettle", () => {
  initAll({ onError });
});
