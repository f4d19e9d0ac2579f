// Starts NHS.UK frontend components. Loaded as <script type="module">, so it
// only runs in browsers that support ES modules (which is exactly what
// `nhsuk-frontend-supported` signals) and runs after the document is parsed.
// No inline script anywhere: the Content Security Policy forbids it.
import { initAll } from '../vendor/nhsuk/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
