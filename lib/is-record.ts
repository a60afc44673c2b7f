/** A JSON object (not null, not an array), as parsed JSON is checked before its fields are read. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
