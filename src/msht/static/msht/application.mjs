// Start the GOV.UK Frontend and MOJ Frontend components on every page. A module script, so
// browsers too old for GOV.UK Frontend's JavaScript skip it and get the plain HTML pages.
import { initAll as initGovukFrontend } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { initAll as initMojFrontend } from "../vendor/moj-frontend/moj-frontend.min.js";

initGovukFrontend();
initMojFrontend();
