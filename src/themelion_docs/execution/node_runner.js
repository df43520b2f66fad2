'use strict';
// Runs one javascript block inside the sandbox (started by worker_child.py).
// Started with `node -e` (the source comes as text); argv: filename (the <themelion:N> name the builder maps to the Markdown
// line), the fd to read the code from, the fd to write the error report to.
// The block is compiled as a CommonJS module so `require` works.
const fs = require('fs');
const Module = require('module');

// Run as `node -e <this source> filename codeFd reportFd`: the last three arguments.
const [filename, codeFd, reportFd] = process.argv.slice(-3);
const code = fs.readFileSync(Number(codeFd), 'utf8');
fs.closeSync(Number(codeFd));
process.argv.splice(1, process.argv.length - 1, 'exemplo.js');

let reported = false;
function fail(error) {
  if (!reported) {
    reported = true;
    const type = error && error.name ? String(error.name) : typeof error;
    const stack = cleanStack(error && error.stack ? String(error.stack) : String(error));
    try {
      fs.writeSync(Number(reportFd), JSON.stringify({ type, stack }));
    } catch (_) { /* the builder falls back to the exit code */ }
    process.stderr.write(stack + '\n');
  }
  process.exit(1);
}
process.on('uncaughtException', fail);

// Frames of this runner and of Node's loader say nothing to the author.
function cleanStack(stack) {
  return stack.split('\n')
    .filter((line) => !line.includes('[eval]') && !line.includes('node:internal/')
      && !line.includes('Module._compile'))
    .join('\n');
}

const main = new Module(filename, null);
main.filename = filename;
main.paths = Module._nodeModulePaths(process.cwd());
main._compile(code, filename);
