// @ts-nocheck
export * from './clock';
export * from './errors';
export * from './redact';
export * from './model';
export * from './http';
export * from './single-flight';
export * from './budget';
export * from './token-store';
export * from './log';
export * from './commands';
export * from './charging';
export * from './history';
export * from './server-url';
