/**
 * What loading the plugin costs (issue 17): a fresh Node.js process requires the nine node
 * files and registers them as Node-RED does (a stub RED that records), then reports the CPU
 * time of that span (as cpuMicros in stats.ts; its wall-clock time too) and its RSS after a
 * forced GC. The same process with nothing loaded gives bare Node.js. Median of `runs`
 * processes each.
 */
// @ts-nocheck

import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { median, round } from './stats';

const ROOT = path.join(__dirname, '..', '..');
// Every node type the package registers (package.json's node-red.nodes).
const NODE_FILES = ['car-account', 'car-status', 'car-charging', 'car-request', 'car-command', 'car-trips', 'car-presence', 'car-events', 'car-homeassistant'];

interface Probe {
  ms: number;
  wallMs: number;
  rssMiB: number;
  modules: number;
}

function probe(load: boolean): Probe {
  const script = `
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    if (${load}) {
      const RED = { nodes: { registerType() {}, createNode() {}, getNode() {} }, settings: {}, httpAdmin: { get() {}, post() {} },
        auth: { needsPermission: () => () => undefined }, log: { info() {}, warn() {}, error() {}, debug() {} }, _: (k) => k };
      for (const n of ${JSON.stringify(NODE_FILES)}) require('./nodes/' + n + '.js')(RED);
    }
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const ms = (cpu.user + cpu.system) / 1000;
    gc();
    process.stdout.write(JSON.stringify({ ms, wallMs, rssMiB: process.memoryUsage().rss / 1048576, modules: Object.keys(require.cache).length }));`;
  return JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', script], { cwd: ROOT, encoding: 'utf8' })) as Probe;
}

export function load(runs: number): Record<string, number> {
  const plugin = Array.from({ length: runs }, () => probe(true));
  const bare = Array.from({ length: runs }, () => probe(false));
  const ms = median(plugin.map((p) => p.ms));
  const rss = median(plugin.map((p) => p.rssMiB));
  const bareMs = median(bare.map((p) => p.ms));
  const wallMs = median(plugin.map((p) => p.wallMs));
  const bareWallMs = median(bare.map((p) => p.wallMs));
  const bareRss = median(bare.map((p) => p.rssMiB));
  return {
    runs,
    ms: round(ms, 1),
    rssMiB: round(rss, 1),
    bareMs: round(bareMs, 2),
    bareRssMiB: round(bareRss, 1),
    addedMs: round(ms - bareMs, 1),
    addedRssMiB: round(rss - bareRss, 1),
    wallMs: round(wallMs, 1),
    addedWallMs: round(wallMs - bareWallMs, 1),
    modules: median(plugin.map((p) => p.modules)),
  };
}
