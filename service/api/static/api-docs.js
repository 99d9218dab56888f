// Starts Swagger UI on /api/docs. A file rather than an inline script: the page's content
// security policy allows scripts from the app only.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No call to the public validator service: nothing leaves for the internet.
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
});
