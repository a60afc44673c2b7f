/** Types for node-flags.mjs (see the comment there). */
export const SHORT_LIVED_NODE_FLAGS: readonly string[];
