// Start GOV.UK Frontend's components (error summary focus, character count, password reveal, …).
// Pages work without JavaScript; this only adds the enhancements.
import { initAll } from "/static/js/govuk-frontend.min.js";

initAll();
