// fundapp front-end entry point. Load with:
//   <script type="module" src="/static/js/app.js"></script>
// GOV.UK Frontend's min.js is an ES module exporting initAll (and the
// component classes). The import is relative to this file, so it keeps
// working if /static/ moves.
import { initAll } from "./govuk-frontend.min.js";

initAll();

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
