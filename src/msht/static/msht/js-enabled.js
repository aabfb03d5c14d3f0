// GOV.UK Frontend's `js-enabled` body class, set from this file rather than an inline script
// so that the Content Security Policy can forbid inline scripts. Loaded first in <body>.
document.body.className +=
  " js-enabled" +
  ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
