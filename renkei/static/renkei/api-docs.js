/* Starts the Swagger UI bundled with django-ninja on /api/docs (no inline script: the CSP forbids it).
   validatorUrl = null: Swagger UI would otherwise send the schema to validator.swagger.io (a call home). */
(function () {
  "use strict";
  var body = document.querySelector("body").dataset;
  var config = JSON.parse(body.swaggerSettings);  /* an attribute, not an inline <script> block */
  config.dom_id = "#swagger-ui";
  config.validatorUrl = null;
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  if (body.apiCsrf && body.csrfToken) {
    config.requestInterceptor = function (req) {
      req.headers["X-CSRFToken"] = body.csrfToken;
      return req;
    };
  }
  window.ui = SwaggerUIBundle(config);
})();
