// The API documentation page: Swagger UI over our OpenAPI document (no inline script).
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: false });
})();
