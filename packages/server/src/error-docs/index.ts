export { errorReference } from './error-reference.js';
export type { ErrorReferenceRow, ErrorReferenceSection } from './error-reference.js';
export { renderErrorsMarkdown } from './render-errors-markdown.js';
export { ERRORS_PAGE_CSS, renderErrorsPage } from './render-errors-page.js';
export { errorDocsRoutes } from './routes.js';
