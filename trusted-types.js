// Trusted Types: the one policy this page allows (the CSP says `trusted-types default`).
//
// Leptos builds the static parts of the app's own `view!` templates by setting `innerHTML` on a
// `<template>` element (tachys's `get_template` and `create_element_from_html`); that markup is compiled
// into the app, and API data never reaches an HTML sink (it is rendered as text nodes). With
// `require-trusted-types-for 'script'` a string written to such a sink goes through this policy, which
// passes markup that cannot run script and refuses the rest. No policy makes scripts or script URLs from
// strings, so `eval`-like sinks and `script.src` stay blocked.
(function () {
  "use strict";
  if (!window.trustedTypes || !window.trustedTypes.createPolicy) {
    return;
  }
  var runsScript =
    /<\s*\/?\s*(script|iframe|frame|object|embed|base|meta|link|style)\b|\son[a-z]+\s*=|javascript\s*:|vbscript\s*:|data\s*:\s*text\/html|srcdoc\s*=/i;
  window.trustedTypes.createPolicy("default", {
    createHTML: function (html) {
      if (runsScript.test(html)) {
        throw new TypeError(
          "ATP Explorer refused to build markup that could run script: " + String(html).slice(0, 120)
        );
      }
      return html;
    },
  });
})();
