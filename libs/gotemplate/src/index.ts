export { Template, type FuncMap, type GoValue, type TemplateFunction, type TemplateOptions } from './template';
export { TemplateError } from './template-error';
export { variadic } from './arity';
export { sprigFunctions } from './sprig';
export { GoTime } from './sprig/time';
