// How the docker CLI prints things, for the CLI and for tests that compare with docker.
export { goFormatG, humanSize, humanSize4, humanDuration, createdSince } from './go-units.js';
export { goTimeString, goRfc3339 } from './go-time.js';
export { tabwrite, DOCKER_TABLE, type TabWriterOptions } from './tabwriter.js';
export { ellipsis } from './ellipsis.js';
export { goJson, goJsonIndent, goStruct } from './go-json.js';
export { parseTemplate, executeTemplate, renderTemplate, goPrint, FieldContext, TemplateError } from './go-template.js';
export { formatRows, templateString, isTableFormat } from './docker-format.js';
