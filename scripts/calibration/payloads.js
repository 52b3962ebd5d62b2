// payloads.js COUNT BYTES unreported|reported|buffer EVERY_MS: requests that each make a garbage
// wrapper pinning BYTES outside the heap, one every EVERY_MS, as
// Scenarios/native-payloads*.yaml model: a Node-API external whose finalizer frees a malloc'ed
// payload (not reported to V8, or reported with napi_adjust_external_memory), or a
// Buffer.alloc(BYTES).fill(1).
//
//   node --expose-gc payloads.js 500 2097152 unreported 2      (ADDON=path/to/payload.node)
//
// Twenty warm-up requests with 1-byte payloads come first, so that the code, its inline caches
// and stdout (which Node sets up on first use, a few hundred KiB of young objects) are in place;
// then a full collection empties new space: the measured requests alone fill it, each
// allocating the same in it, as in oomlab's worker. Prints "rss-start BYTES" then.
'use strict';
const [count, bytes, mode, every] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
const { payload } = mode === 'buffer' ? { payload: null } : require(process.env.ADDON || './payload.node');

function request(size) {
  if (mode === 'buffer') {
    Buffer.alloc(size).fill(1);
  } else {
    const wrapper = { data: payload(size, mode === 'reported'), pad: new Array(126).fill(0) };
  }
}

function run(n, size, then) {
  let i = 0;
  (function next() {
    if (i++ >= n) return then();
    request(size);
    setTimeout(next, every);
  })();
}

process.stdout.write('warm-up\n');
run(20, 1, () => {
  global.gc();
  process.stdout.write(`rss-start ${process.memoryUsage().rss}\n`);
  run(count, bytes, () => {});
});
