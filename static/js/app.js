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

// --- What the user typed survives a failed request ------------------------------
//
// When an htmx request fails (the session ended, the server broke, the network dropped) the
// form is not swapped, and what was typed into it is kept in sessionStorage, keyed by the
// page and the form. When the same page loads again (after signing in again) the values go
// back into the fields the user has not touched since, and the copy is cleared. If the
// form's hidden fields changed meanwhile (a decision's version: someone else saved), only
// empty fields are filled, so a kept copy never hides the other person's values.

const TYPED_PREFIX = "app-typed:";
const NOT_TYPED = new Set(["hidden", "submit", "button", "reset", "file", "password", "image"]);

function pagePath() {
  return window.location.pathname + window.location.search;
}

function formKey(form) {
  return form.id || form.getAttribute("hx-post") || form.getAttribute("action") || "";
}

function typedKey(form) {
  return `${TYPED_PREFIX}${pagePath()}#${formKey(form)}`;
}

function isTyped(field) {
  return (
    field.name &&
    !field.disabled &&
    !NOT_TYPED.has(field.type) &&
    field.name !== "csrfmiddlewaretoken"
  );
}

function typedValues(form) {
  const values = [];
  for (const field of form.elements) {
    if (!isTyped(field)) {
      continue;
    }
    if (field.type === "radio" || field.type === "checkbox") {
      if (field.checked) {
        values.push([field.name, field.value]);
      }
    } else if (field.tagName === "SELECT" && field.multiple) {
      for (const option of field.selectedOptions) {
        values.push([field.name, option.value]);
      }
    } else if (field.value !== "") {
      values.push([field.name, field.value]);
    }
  }
  return values;
}

// The form's hidden fields (not the CSRF token): if they change, the record changed.
function guardValues(form) {
  return [...form.elements]
    .filter((field) => field.type === "hidden" && field.name !== "csrfmiddlewaretoken")
    .map((field) => [field.name, field.value]);
}

// Only forms that change something: a search box keeps its own text and is in the URL.
function keepTyped(form) {
  if (!form || form.method !== "post") {
    return;
  }
  const values = typedValues(form);
  try {
    if (values.length) {
      const kept = { guard: guardValues(form), values };
      sessionStorage.setItem(typedKey(form), JSON.stringify(kept));
    }
  } catch {
    // Storage is full or switched off: the error message still shows.
  }
}

function forgetTyped(form) {
  try {
    sessionStorage.removeItem(typedKey(form));
  } catch {
    // Nothing kept.
  }
}

function isChanged(field) {
  if (field.tagName === "SELECT") {
    return [...field.options].some((option) => option.selected !== option.defaultSelected);
  }
  return field.value !== field.defaultValue;
}

// Put `values` into the fields of `form` the user has not changed (`onlyEmpty`: that are
// still empty); true if any went back.
function putBack(form, values, onlyEmpty) {
  const byName = new Map();
  for (const [name, value] of values) {
    byName.set(name, [...(byName.get(name) || []), value]);
  }
  let restored = false;
  for (const [name, wanted] of byName) {
    const fields = [...form.elements].filter((field) => field.name === name && isTyped(field));
    if (!fields.length) {
      continue;
    }
    const first = fields[0];
    if (first.type === "radio" || first.type === "checkbox") {
      const touched = fields.some((field) => field.checked !== field.defaultChecked);
      if (touched || (onlyEmpty && fields.some((field) => field.checked))) {
        continue;
      }
      for (const field of fields) {
        const checked = wanted.includes(field.value);
        if (field.checked !== checked) {
          field.checked = checked;
          field.dispatchEvent(new Event("change", { bubbles: true }));
          restored = true;
        }
      }
    } else if (first.value !== wanted[0] && (onlyEmpty ? first.value === "" : !isChanged(first))) {
      first.value = wanted[0];
      first.dispatchEvent(new Event("input", { bubbles: true }));
      restored = true;
    }
  }
  return restored;
}

function restoreTyped() {
  const prefix = `${TYPED_PREFIX}${pagePath()}#`;
  let keys;
  try {
    keys = Object.keys(sessionStorage).filter((key) => key.startsWith(prefix));
  } catch {
    return;
  }
  for (const key of keys) {
    const wanted = key.slice(prefix.length);
    let kept = {};
    try {
      kept = JSON.parse(sessionStorage.getItem(key)) || {};
    } catch {
      kept = {};
    }
    sessionStorage.removeItem(key);
    const form = [...document.forms].find((candidate) => formKey(candidate) === wanted);
    if (!form || !Array.isArray(kept.values)) {
      continue;
    }
    const changed = JSON.stringify(guardValues(form)) !== JSON.stringify(kept.guard || []);
    if (putBack(form, kept.values, changed)) {
      const note = document.createElement("div");
      note.className = "govuk-inset-text app-typed-restored";
      note.setAttribute("role", "status");
      note.textContent = "We have put back what you typed before. Check it, then save.";
      form.prepend(note);
    }
  }
}

restoreTyped();

// --- htmx errors are shown in place, never swapped in --------------------------------

// A conflict (409) or a validation error (422) answered with a fragment is the server's own
// rendering of the form (panel decisions: the other person's values): swap it like a 200.
const SWAPPED_ERRORS = new Set([409, 422]);

function signInUrl() {
  const signIn = document.body.dataset.signInUrl || "/accounts/login/";
  // Encoded as Django encodes `next` (slashes left as they are).
  return `${signIn}?next=${encodeURIComponent(pagePath()).replace(/%2F/g, "/")}`;
}

// The message for a failed request: a list of text and links, built without innerHTML.
function errorParts(status) {
  if (status === 401) {
    return [
      "Your session has ended. ",
      { text: "Sign in again", href: signInUrl() },
      " – what you typed has been kept.",
    ];
  }
  if (status === 403) {
    return [
      "You cannot do this, or this page is out of date. ",
      { text: "Reload the page", href: pagePath() },
      " and try again – what you typed has been kept.",
    ];
  }
  if (status === 0) {
    return [
      "Sorry, the service could not be reached. Check your connection and try again. " +
        "What you typed has not been lost.",
    ];
  }
  return [
    "Sorry, there is a problem with the service. Try again later. " +
      "What you typed has not been lost.",
  ];
}

// The form a request came from (or the element itself, for polling and suggestions).
function errorHost(elt) {
  return (elt && elt.closest && elt.closest("form")) || elt;
}

function clearRequestError(host) {
  if (host && host.querySelector) {
    host.querySelector(":scope > .app-request-error")?.remove();
  }
}

function showRequestError(elt, status, verb) {
  const host = errorHost(elt);
  if (!host || !host.prepend) {
    return;
  }
  if (host.tagName === "FORM") {
    keepTyped(host);
  }
  clearRequestError(host);
  const summary = document.createElement("div");
  summary.className = "govuk-error-summary app-request-error";
  summary.tabIndex = -1;
  summary.dataset.status = String(status);
  const alert = document.createElement("div");
  alert.setAttribute("role", "alert");
  const title = document.createElement("h2");
  title.className = "govuk-error-summary__title";
  title.textContent = status === 401 ? "Your session has ended" : "There is a problem";
  const body = document.createElement("div");
  body.className = "govuk-error-summary__body";
  const text = document.createElement("p");
  text.className = "govuk-body";
  for (const part of errorParts(status)) {
    if (typeof part === "string") {
      text.append(part);
    } else {
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = part.href;
      link.textContent = part.text;
      text.append(link);
    }
  }
  body.append(text);
  alert.append(title, body);
  summary.append(alert);
  host.prepend(summary);
  // Move focus only when the user asked for this (a save), not for live search or polling.
  if (verb && verb !== "get") {
    summary.focus();
  }
}

document.body.addEventListener("htmx:beforeSwap", (event) => {
  const { xhr } = event.detail;
  if (SWAPPED_ERRORS.has(xhr.status) && xhr.responseText && !/<html/i.test(xhr.responseText)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

document.body.addEventListener("htmx:responseError", (event) => {
  const { elt, xhr, requestConfig } = event.detail;
  showRequestError(elt, xhr.status, requestConfig && requestConfig.verb);
});

document.body.addEventListener("htmx:sendError", (event) => {
  const { elt, requestConfig } = event.detail;
  showRequestError(elt, 0, requestConfig && requestConfig.verb);
});

document.body.addEventListener("htmx:afterRequest", (event) => {
  if (event.detail.successful) {
    const host = errorHost(event.detail.elt);
    clearRequestError(host);
    if (host && host.tagName === "FORM") {
      forgetTyped(host);
    }
  }
});

// --- The GOV.UK timeout warning --------------------------------------------------------
//
// An idle session ends SESSION_COOKIE_AGE seconds after the last request (<body
// data-session-timeout>). SESSION_WARNING_SECONDS before that (data-session-warning) a modal
// dialog offers "Stay signed in" (a POST to data-keep-alive-url) or "Sign out". Every htmx
// request refreshes the session, so it restarts the clock. If time runs out, what was typed
// is kept and the page goes to sign in, coming back here afterwards.

function sessionTimeout() {
  const { sessionTimeout: timeoutText, sessionWarning: warningText, keepAliveUrl } =
    document.body.dataset;
  const timeout = Number(timeoutText) * 1000;
  const warning = Math.min(Number(warningText) * 1000, timeout);
  if (!timeout || !keepAliveUrl) {
    return;
  }
  let warnTimer;
  let endTimer;
  let countdownTimer;
  let endsAt = 0;
  let returnFocus = null;

  const dialog = () => document.getElementById("session-timeout");

  function countdownText() {
    const seconds = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  }

  function updateCountdown() {
    const countdown = dialog()?.querySelector("[data-session-countdown]");
    if (countdown) {
      countdown.textContent = countdownText();
    }
  }

  function close() {
    clearInterval(countdownTimer);
    const element = dialog();
    if (element && element.open) {
      element.close();
      if (returnFocus && returnFocus.isConnected) {
        returnFocus.focus();
      }
    }
    returnFocus = null;
  }

  function open() {
    const element = dialog();
    if (!element || element.open) {
      return;
    }
    returnFocus = document.activeElement;
    updateCountdown();
    countdownTimer = setInterval(updateCountdown, 1000);
    element.showModal();
    element.querySelector("[data-session-stay]")?.focus();
  }

  function end() {
    close();
    document.querySelectorAll("form").forEach(keepTyped);
    window.location.assign(signInUrl());
  }

  function restart() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    close();
    endsAt = Date.now() + timeout;
    warnTimer = setTimeout(open, timeout - warning);
    endTimer = setTimeout(end, timeout);
  }

  async function stay() {
    const token = document.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
    let response;
    try {
      response = await fetch(keepAliveUrl, {
        method: "POST",
        headers: { "X-CSRFToken": token },
        credentials: "same-origin",
      });
    } catch {
      response = null;
    }
    if (response && response.status === 204) {
      restart();
    } else if (response) {
      end();
    }
    // No response at all (network): leave the dialog open to try again.
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest?.("#session-timeout [data-session-stay]")) {
      event.preventDefault();
      stay();
    } else if (event.target.closest?.("#session-timeout [data-session-sign-out]")) {
      const signOut = document.querySelector(".app-header__signout");
      if (signOut) {
        event.preventDefault();
        close();
        signOut.requestSubmit();
      }
    }
  });

  // Escape closes the GOV.UK timeout warning and keeps the user signed in.
  document.addEventListener(
    "cancel",
    (event) => {
      if (event.target === dialog()) {
        event.preventDefault();
        stay();
      }
    },
    true,
  );

  document.body.addEventListener("htmx:afterRequest", (event) => {
    const status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status && status !== 401) {
      restart();
    }
  });

  restart();
}

sessionTimeout();
