// fundapp front-end entry point. Load with:
//   <script type="module" src="/static/js/app.js"></script>
// GOV.UK Frontend's min.js is an ES module exporting initAll (and the
// component classes). The import is relative to this file, so it keeps
// working if /static/ moves.
import { initAll } from "./govuk-frontend.min.js";

initAll();
