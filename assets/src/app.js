// fundapp front-end entry point. Load with:
//   <script type="module" src="/static/js/app.js"></script>
// GOV.UK Frontend's min.js is an ES module exporting initAll (and the
// component classes). The import is relative to this file, so it keeps
// working if /static/ moves.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// After the skip link, the address ends in #main-content, and a form on the page posts back to that address. On the
// page that comes back the browser moves to the fragment once the page has loaded, which takes focus away from the
// error summary GOV.UK Frontend has just focused. Drop the fragment (nothing needs it once the page has loaded) and
// give the summary its focus back.
if (window.location.hash === "#main-content") {
  window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
  const summary = document.querySelector('[data-module="govuk-error-summary"]');
  if (summary) {
    window.addEventListener("load", () => {
      summary.setAttribute("tabindex", "-1");
      summary.focus();
    }, { once: true });
  }
}

// Questions that apply only after an earlier answer on the same page ("show_if"): the server shows them
// all, each with a note; with JavaScript, show only those that apply and follow the person's choice.
function followConditionalQuestions(root) {
  for (const block of root.querySelectorAll(".app-conditional[data-show-if]")) {
    const form = block.closest("form");
    const inputs = form ? form.querySelectorAll(`input[name="${CSS.escape(block.dataset.showIf)}"]`) : [];
    if (inputs.length === 0) continue; // the earlier question is on another page: the server decided
    const update = () => {
      const chosen = Array.from(inputs).find((input) => input.checked);
      block.hidden = !chosen || chosen.value !== block.dataset.equals;
    };
    inputs.forEach((input) => input.addEventListener("change", update));
    update();
  }
}

followConditionalQuestions(document);
