// Formatting shared by the judge's verdict lines and the report renderers.
export { fmt } from './figure.ts';
