// heap-leak.js ELEMENTS: a JavaScript leak of arrays of ELEMENTS small integers, kept in one
// array, until the heap runs out. Each is a JSArray (32 bytes) and a FixedArray of
// 16 + 8 x ELEMENTS bytes: 8190 makes 65,568 bytes in all, 126 makes 1,056.
//
//   node --max-old-space-size=256 heap-leak.js 8190
//
// V8 prints its last collections and "JavaScript heap out of memory" to stderr when it dies.
'use strict';
const elements = Number(process.argv[2] || 8190);
const keep = [];
for (;;) keep.push(new Array(elements).fill(0));
