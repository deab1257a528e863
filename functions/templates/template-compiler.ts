/**
 * The Handlebars compiler for a shop's own words, as its own module: the sender's Lambda bundles
 * it as template-compiler.mjs beside index.mjs and imports it only when a shop has overrides,
 * so the compiler never weighs on the load of a container that sends only the defaults.
 */
export { compileSources } from '../domain/rendering/handlebars-renderer.ts';
