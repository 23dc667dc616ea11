/**
 * A text in the user's language, by key: the node maps the key to its catalog (RED._), so the
 * features say what happened without knowing Node-RED.
 */
// @ts-nocheck

export type Say<K extends string> = (key: K, values?: Record<string, string | number>) => string;
