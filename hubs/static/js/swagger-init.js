// Starts Swagger UI from a static file: the CSP forbids inline script.
(function () {
  var root = document.getElementById('swagger-ui')
  window.SwaggerUIBundle({ url: root.dataset.specUrl, domNode: root })
})()
