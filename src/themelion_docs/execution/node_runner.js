'use strict';
// Runs the javascript blocks of one unit, in order, in ONE Node.js process
// (started by worker_child.py): a session shares its globals across blocks,
// like consecutive <script> tags. Started as `node -e <this source> codeFd reportFd`.
// In: one JSON line per block, {index, filename, code}; end of file ends the unit.
// Out: one JSON line per block on reportFd, written when the block is done,
// i.e. when Node's event loop has nothing left to do for it ('beforeExit').
// A block that calls process.exit() is reported as {exit: status}; the session ends.
// Everything below is inside a function: the blocks' own top-level names (a
// `const path`, say) live in the global scope and must not collide with ours.
(() => {
  const fs = require('fs');
  const path = require('path');
  const vm = require('vm');
  const Module = require('module');

  const [codeFd, reportFd] = process.argv.slice(-2).map(Number);
  const entry = path.join(process.cwd(), 'exemplo.js');
  process.argv.splice(1, process.argv.length - 1, entry);

  // The globals a CommonJS script has, shared by the blocks of the unit.
  const main = new Module(entry, null);
  main.filename = entry;
  main.paths = Module._nodeModulePaths(process.cwd());
  Object.assign(globalThis, {
    require: Module.createRequire(entry), module: main, exports: main.exports,
    __filename: entry, __dirname: process.cwd(),
  });

  let buffered = Buffer.alloc(0);
  function readMessage() {
    for (;;) {
      const newline = buffered.indexOf(10);
      if (newline >= 0) {
        const line = buffered.subarray(0, newline).toString('utf8');
        buffered = buffered.subarray(newline + 1);
        return JSON.parse(line);
      }
      const chunk = Buffer.alloc(1 << 16);
      let count;
      try {
        count = fs.readSync(codeFd, chunk, 0, chunk.length, null);
      } catch (error) {
        if (error.code === 'EAGAIN') continue;
        if (error.code === 'EOF') return null;
        throw error;
      }
      if (count === 0) return null;
      buffered = Buffer.concat([buffered, chunk.subarray(0, count)]);
    }
  }

  // Frames of this runner and of Node's internals say nothing to the author.
  function cleanStack(stack) {
    return stack.split('\n')
      .filter((line) => !line.includes('[eval]') && !line.includes('node:internal/')
        && !line.includes('node:vm') && !line.includes('Module._compile'))
      .join('\n');
  }

  let current = null;
  function report(fields) {
    if (current === null) return;
    fs.writeSync(reportFd, JSON.stringify({ index: current, ...fields }) + '\n');
    current = null;
  }

  function next() {
    const message = readMessage();
    if (message === null) return; // no more blocks: the loop empties and Node exits
    current = message.index;
    try {
      new vm.Script(message.code, { filename: message.filename }).runInThisContext();
    } catch (error) {
      fail(error);
    }
  }

  function fail(error) {
    const type = error && error.name ? String(error.name) : typeof error;
    const stack = cleanStack(error && error.stack ? String(error.stack) : String(error));
    process.stderr.write(stack + '\n');
    if (current === null) return; // an error after its block was reported: shown, not judged
    report({ ok: false, type, stack });
    next(); // the builder decides whether the session goes on (it sends the next block or not)
  }

  process.on('uncaughtException', fail);
  // process.exit() inside a block: no 'beforeExit'; the session ends with that status.
  process.on('exit', (code) => report({ exit: code }));
  process.on('beforeExit', () => {
    report({ ok: true });
    next();
  });
  next();
})();
