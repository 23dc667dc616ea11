#!/usr/bin/env node
// Runs Node-RED's package validator (node-red-dev validate, the Flow Library's scorecard) and
// fails on any failure or warning other than the ones the README explains.
//
// The validator compares the package with the Flow Library catalogue (catalogue.nodered.org:
// checks P08 and N01), which this machine cannot reach. A local proxy answers that one URL with
// an empty catalogue and passes everything else (the npm registry) through; the README says so.
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const fs = require('node:fs');
const { spawn, execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const toolDir = path.join(root, '.ci-work', 'validator');
const bin = path.join(toolDir, 'node_modules', '.bin', 'node-red-dev');
// Warnings the README explains:
// P04 (scoped name): the package name is given; an unscoped node-red-contrib- name is allowed.
// D03 undici: undici 8 needs Node 22.19; undici 7 keeps Node 20, where Node-RED 4 runs.
const ACCEPTED = [/P04 New Packages should use a scoped name/, /D03 undici is not at latest version/, /\^7\.\d+\.\d+, latest is: 8\./];

if (!fs.existsSync(bin)) {
  fs.mkdirSync(toolDir, { recursive: true });
  execFileSync('npm', ['install', '--prefix', toolDir, '--no-audit', '--no-fund', '--no-save', 'node-red-dev@0.1.6'], { stdio: 'inherit' });
}

const proxy = http.createServer(async (req, res) => {
  if (/^https?:\/\/catalogue\.nodered\.org\//.test(req.url)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name: 'offline stand-in', updated_at: new Date().toISOString(), modules: [] }));
    return;
  }
  try {
    const upstream = await fetch(req.url, { headers: { accept: req.headers.accept ?? '*/*' } });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  } catch (e) {
    res.writeHead(502);
    res.end(String(e));
  }
});
// Clients that tunnel HTTPS: pass the registry through; refuse anything else.
proxy.on('connect', (req, socket, head) => {
  const [host, port] = (req.url ?? '').split(':');
  if (host !== 'registry.npmjs.org') {
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    return;
  }
  const upstream = net.connect(Number(port) || 443, host, () => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  upstream.on('error', () => socket.destroy());
});

proxy.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${proxy.address().port}`;
  const env = { ...process.env, https_proxy: url, HTTPS_PROXY: url, http_proxy: url, HTTP_PROXY: url, NO_PROXY: '', no_proxy: '' };
  let out = '';
  const child = spawn(bin, ['validate', '-p', root], { env, cwd: root });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  child.on('exit', (code) => {
    proxy.close();
    process.stdout.write(out);
    const problems = out
      .split('\n')
      .filter((l) => /Warning|Error|❌|✖/.test(l))
      .filter((l) => !ACCEPTED.some((a) => a.test(l)));
    if (code !== 0 || problems.length) {
      console.error(`\nvalidate: ${problems.length} problem(s)${code ? `, exit code ${code}` : ''}:\n${problems.join('\n')}`);
      process.exit(1);
    }
    console.log('\nvalidate: no failure and no warning beyond the ones the README explains (P04, D03 undici)');
  });
});
