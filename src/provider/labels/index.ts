/** Label providers' building blocks: label decoding, default rules and tag constraints. */
export { decodeLabels, tagsToLabels, type DecodedLabels, type ServerHint } from './decode-labels.js';
export { normalizeName, renderDefaultRule } from './default-rule.js';
export { compileConstraints, type TagPredicate } from './constraints.js';
export { mergeInstanceConfigs, type InstanceConfig } from './merge-instances.js';
