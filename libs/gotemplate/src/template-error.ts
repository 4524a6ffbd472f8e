/** Parse and execution errors, with Go's messages: `template: <name>:<line>:<col>: executing "<name>" at <.Values.x>: …`. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}
