import Testing

import OomlabKit

/// The bad-input corpus of the scenario language, shared by the parser's unit tests, the schema's tests
/// and the commands' end-to-end tests.
package enum ScenarioCorpus {
  /// The file name the corpus is parsed as.
  package static let file = "bad.yaml"

  /// Parses `yaml`, failing the test if it is accepted, and returns the error.
  package static func error(_ yaml: String) -> ScenarioError? {
    #expect(throws: ScenarioError.self) { try ScenarioParser.parse(yaml: yaml, file: file) }
  }

  /// Scenarios the parser must refuse, each with where and how.
  package static let bad: [BadScenario] = [
    // The file as a whole.
    BadScenario("empty file", "", at: 0, 0, field: "", "the file is empty"),
    BadScenario("only comments", "# nothing here\n", at: 0, 0, field: "", "the file is empty"),
    BadScenario("null document", "~\n", at: 0, 0, field: "", "the file is empty"),
    BadScenario(
      "unbalanced brackets", "name: x\nsteps: [ { hold: 1s }\n", at: 3, 1, field: "",
      "not valid YAML: did not find expected ',' or ']'"),
    BadScenario(
      "tab indentation", "name: x\nsteps:\n\t- hold: 1s\n", at: 3, 1, field: "",
      "not valid YAML: found character that cannot start any token"),
    BadScenario(
      "undefined alias", "name: x\nsteps: *nothing\n", at: 2, 8, field: "", "not valid YAML: found undefined alias"),
    BadScenario(
      "root is a list", "- hold: 1s\n", at: 1, 1, field: "",
      "expected a mapping with name, about and steps, got a list"),
    BadScenario(
      "root is a scalar", "hello\n", at: 1, 1, field: "", "expected a mapping with name, about and steps, got \"hello\""),
    BadScenario(
      "duplicate top-level key", "name: x\nsteps:\n  - hold: 1s\nname: y\n", at: 1, 1, field: "",
      "duplicate key \"name\"; expected each key once"),
    BadScenario(
      "duplicate key in a step", "name: x\nsteps:\n  - buffers: { count: 1, count: 2, size: 1MiB }\n", at: 3, 16,
      field: "", "duplicate key \"count\""),

    // Top-level fields.
    BadScenario(
      "unknown top-level key", "name: x\ncolour: red\nsteps:\n  - hold: 1s\n", at: 2, 1, field: "colour",
      "unknown key \"colour\"; expected one of: version, name, about"),
    BadScenario(
      "non-text key", "name: x\n? [a]\n: b\nsteps:\n  - hold: 1s\n", at: 2, 3, field: "",
      "expected plain text keys, got a list"),
    BadScenario(
      "name missing", "about: hi\nsteps:\n  - hold: 1s\n", at: 1, 1, field: "name", "missing required field \"name\""),
    BadScenario(
      "name with a space", "name: my scenario\nsteps:\n  - hold: 1s\n", at: 1, 7, field: "name",
      "expected a name of letters, digits, - and _, got \"my scenario\""),
    BadScenario(
      "version 2", "version: 2\nname: x\nsteps:\n  - hold: 1s\n", at: 1, 10, field: "version",
      "expected version 1, got \"2\""),
    BadScenario(
      "version in words", "version: one\nname: x\nsteps:\n  - hold: 1s\n", at: 1, 10, field: "version",
      "got \"one\""),
    BadScenario(
      "expect an unknown outcome", "name: x\nexpect: crash\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "expect",
      "expected one of completed, oom-kill, heap-oom, alloc-failure, signalled, timeout, got \"crash\""),
    BadScenario(
      "sample below 1ms", "name: x\nsample: 500us\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "sample",
      "expected a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"500us\""),
    BadScenario(
      "sample of zero", "name: x\nsample: 0ms\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "sample",
      "expected a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"0ms\""),
    BadScenario(
      "percentage over 100%", "name: x\nlimit: 1GiB\nheap-limit: 150%\nsteps:\n  - hold: 1s\n", at: 3, 13,
      field: "heap-limit", "expected a percentage in (0, 100]%, got \"150%\""),
    BadScenario(
      "percentage of zero", "name: x\nheap-limit: 0%\nsteps:\n  - hold: 1s\n", at: 2, 13, field: "heap-limit",
      "got \"0%\""),
    BadScenario(
      "limit as a percentage", "name: x\nlimit: 50%\nsteps:\n  - hold: 1s\n", at: 2, 8, field: "limit",
      "expected a size like 512MiB, 512Mi, 512m, 4KB or 4096, got \"50%\""),
    BadScenario(
      "arena-max of zero", "name: x\narena-max: 0\nsteps:\n  - hold: 1s\n", at: 2, 12, field: "arena-max",
      "expected an integer in 1...1024, got \"0\""),
    BadScenario(
      "allocator as a list", "name: x\nallocator: [glibc]\nsteps:\n  - hold: 1s\n", at: 2, 12, field: "allocator",
      "expected text, got a list"),

    // The step list.
    BadScenario(
      "neither steps nor processes", "name: x\n", at: 1, 1, field: "steps",
      "missing required field \"steps\" (or \"processes\")"),
    BadScenario(
      "steps and processes both present",
      "name: x\nsteps:\n  - hold: 1s\nprocesses:\n  - name: a\n    steps: [ { hold: 1s } ]\n", at: 5, 3,
      field: "processes", "expected either steps or processes, not both"),
    BadScenario(
      "steps is a scalar", "name: x\nsteps: hold\n", at: 2, 8, field: "steps", "expected a list of steps, got \"hold\""),
    BadScenario(
      "steps is empty", "name: x\nsteps: []\n", at: 2, 8, field: "steps",
      "expected at least one step, got an empty list"),
    BadScenario(
      "unknown step kind", "name: x\nsteps:\n  - hold: 1s\n  - explode: { count: 1 }\n", at: 4, 5, field: "steps[1]",
      "unknown step \"explode\"; expected one of: buffers, native"),
    BadScenario(
      "step with two keys", "name: x\nsteps:\n  - buffers: { count: 1, size: 1MiB }\n    as: a\n", at: 3, 5,
      field: "steps[0]", "expected a step as a one-key mapping like \"- hold: 1s\", got a mapping"),
    BadScenario(
      "bare step that needs fields", "name: x\nsteps:\n  - buffers\n", at: 3, 5, field: "steps[0].buffers",
      "expected a mapping of fields, got nothing (null)"),
    BadScenario(
      "bare hold without a duration", "name: x\nsteps:\n  - hold\n", at: 3, 5, field: "steps[0].hold",
      "expected a duration like 250ms, 2s, 1m or 1h, got nothing (null)"),

    // Fields inside steps.
    BadScenario(
      "unknown key inside a step", "name: x\nsteps:\n  - buffers: { count: 1, size: 1MiB, colour: red }\n", at: 3, 38,
      field: "steps[0].buffers.colour", "unknown key \"colour\"; expected one of: count, size, touch, every, as"),
    BadScenario(
      "count in words", "name: x\nsteps:\n  - buffers: { count: ten, size: 1MiB }\n", at: 3, 23,
      field: "steps[0].buffers.count", "expected an integer in 1...100000000, got \"ten\""),
    BadScenario(
      "count as a list", "name: x\nsteps:\n  - buffers:\n      count: [1]\n      size: 1MiB\n", at: 4, 14,
      field: "steps[0].buffers.count", "expected an integer in 1...100000000, got a list"),
    BadScenario(
      "count with decimals", "name: x\nsteps:\n  - buffers: { count: 1.5, size: 1KiB }\n", at: 3, 23,
      field: "steps[0].buffers.count", "got \"1.5\""),
    BadScenario(
      "count missing", "name: x\nsteps:\n  - buffers: { size: 1KiB }\n", at: 3, 14, field: "steps[0].buffers.count",
      "missing required field \"count\""),
    BadScenario(
      "negative size", "name: x\nsteps:\n  - buffers: { count: 1, size: -1MiB }\n", at: 3, 32,
      field: "steps[0].buffers.size", "a size cannot be negative, got \"-1MiB\""),
    BadScenario(
      "zero size", "name: x\nsteps:\n  - buffers: { count: 1, size: 0 }\n", at: 3, 32, field: "steps[0].buffers.size",
      "a size must be above zero, got \"0\""),
    BadScenario(
      "size that rounds to zero", "name: x\nsteps:\n  - buffers: { count: 1, size: 0.0001KiB }\n", at: 3, 32,
      field: "steps[0].buffers.size", "a size must be above zero, got \"0.0001KiB\""),
    BadScenario(
      "overflowing size", "name: x\nsteps:\n  - buffers: { count: 1, size: 99999999TiB }\n", at: 3, 32,
      field: "steps[0].buffers.size", "size \"99999999TiB\" overflows 63 bits"),
    BadScenario(
      "size of exactly 2^63 bytes", "name: x\nsteps:\n  - buffers: { count: 1, size: 8388608TiB }\n", at: 3, 32,
      field: "steps[0].buffers.size", "size \"8388608TiB\" overflows 63 bits"),
    BadScenario(
      "malformed size", "name: x\nsteps:\n  - buffers: { count: 1, size: 10 megs }\n", at: 3, 32,
      field: "steps[0].buffers.size", "expected a size like 512MiB, 512Mi, 512m, 4KB or 4096, or a share of the limit like 75%, got \"10 megs\""),
    BadScenario(
      "lower-case unit", "name: x\nsteps:\n  - buffers: { count: 1, size: 10mib }\n", at: 3, 32,
      field: "steps[0].buffers.size", "got \"10mib\""),
    BadScenario(
      "half a byte", "name: x\nsteps:\n  - buffers: { count: 1, size: 1.5 }\n", at: 3, 32, field: "steps[0].buffers.size",
      "got \"1.5\""),
    BadScenario(
      "touch above 1", "name: x\nsteps:\n  - buffers: { count: 1, size: 1MiB, touch: 1.5 }\n", at: 3, 45,
      field: "steps[0].buffers.touch", "expected none, all or a fraction in 0...1, got \"1.5\""),
    BadScenario(
      "touch above 100%", "name: x\nsteps:\n  - native: { count: 1, size: 1KiB, touch: 150% }\n", at: 3, 44,
      field: "steps[0].native.touch", "got \"150%\""),
    BadScenario(
      "every without a unit", "name: x\nsteps:\n  - buffers: { count: 2, size: 1MiB, every: 5 }\n", at: 3, 45,
      field: "steps[0].buffers.every", "expected a duration like 250ms, 2s, 1m or 1h, got \"5\""),
    BadScenario(
      "bad duration", "name: x\nsteps:\n  - hold: 2 seconds\n", at: 3, 11, field: "steps[0].hold",
      "expected a duration like 250ms, 2s, 1m or 1h, got \"2 seconds\""),
    BadScenario(
      "hold with an unknown key", "name: x\nsteps:\n  - hold: { for: 1s, extra: 2 }\n", at: 3, 22,
      field: "steps[0].hold.extra", "unknown key \"extra\"; expected one of: for"),
    BadScenario(
      "native size range with min > max", "name: x\nsteps:\n  - native: { count: 10, size: [2MiB, 1MiB] }\n", at: 3,
      32, field: "steps[0].native.size", "expected MIN <= MAX, got [\"2MiB\", \"1MiB\"]"),
    BadScenario(
      "native size range of three", "name: x\nsteps:\n  - native: { count: 1, size: [1, 2, 3] }\n", at: 3, 31,
      field: "steps[0].native.size", "expected a size or [MIN, MAX], got a list of 3"),
    BadScenario(
      "native size as a percentage", "name: x\nlimit: 1GiB\nsteps:\n  - native: { count: 1, size: 50% }\n", at: 4, 31,
      field: "steps[0].native.size", "expected a size like 512MiB, 512Mi, 512m, 4KB or 4096, got \"50%\""),
    BadScenario(
      "native range bound malformed", "name: x\nsteps:\n  - native: { count: 1, size: [1KiB, lots] }\n", at: 3, 38,
      field: "steps[0].native.size[1]", "got \"lots\""),
    BadScenario(
      "bad pattern for pages", "name: x\nsteps:\n  - pages: { size: 1GiB, pattern: zigzag }\n", at: 3, 35,
      field: "steps[0].pages.pattern", "expected sequential, random or \"sparse STRIDE\", got \"zigzag\""),
    BadScenario(
      "sparse pattern without a stride size", "name: x\nsteps:\n  - pages: { size: 1GiB, pattern: sparse lots }\n",
      at: 3, 35, field: "steps[0].pages.pattern",
      "expected a stride after sparse, like \"sparse 2MiB\", got \"sparse lots\""),
    BadScenario(
      "populate not a boolean", "name: x\nsteps:\n  - pages: { size: 1MiB, populate: yes }\n", at: 3, 36,
      field: "steps[0].pages.populate", "expected true or false, got \"yes\""),
    BadScenario(
      "unknown advice", "name: x\nsteps:\n  - pages: { size: 1MiB, advise: always }\n", at: 3, 34,
      field: "steps[0].pages.advise", "expected one of hugepage, nohugepage, got \"always\""),
    BadScenario(
      "threads touch larger than the stack",
      "name: x\nsteps:\n  - threads: { count: 2, stack: 64KiB, touch: 64KiB }\n", at: 3, 47,
      field: "steps[0].threads.touch", "expected at most the stack minus 32KiB (32768 bytes), got \"64KiB\""),
    BadScenario(
      "threads stack too small", "name: x\nsteps:\n  - threads: { count: 1, stack: 32KiB }\n", at: 3, 33,
      field: "steps[0].threads.stack", "expected a stack of at least 64KiB, got \"32KiB\""),
    BadScenario(
      "oom-score-adj step out of range", "name: x\nsteps:\n  - oom-score-adj: 1001\n", at: 3, 20,
      field: "steps[0].oom-score-adj", "expected an integer in -1000...1000, got \"1001\""),
    BadScenario(
      "oom-score-adj of a process out of range",
      "name: x\nprocesses:\n  - name: a\n    oom-score-adj: -2000\n    steps: [ { hold: 1s } ]\n", at: 4, 20,
      field: "processes[0].oom-score-adj", "expected an integer in -1000...1000, got \"-2000\""),
    BadScenario(
      "leak rate without /s", "name: x\nsteps:\n  - leak: { rate: 10MiB }\n", at: 3, 19, field: "steps[0].leak.rate",
      "expected a rate like 50MiB/s, got \"10MiB\""),
    BadScenario(
      "leak for zero seconds", "name: x\nsteps:\n  - leak: { rate: 10MiB/s, for: 0s }\n", at: 3, 33,
      field: "steps[0].leak.for", "expected a duration above zero, got \"0s\""),

    // free and names.
    BadScenario(
      "fraction below 0",
      "name: x\nsteps:\n  - buffers: { count: 1, size: 1MiB, as: a }\n  - free: { what: a, fraction: -0.1 }\n", at: 4,
      32, field: "steps[1].free.fraction", "expected a fraction in 0...1, got \"-0.1\""),
    BadScenario(
      "fraction above 1", "name: x\nsteps:\n  - free: { what: all, fraction: 2 }\n", at: 3, 34,
      field: "steps[0].free.fraction", "expected a fraction in 0...1, got \"2\""),
    BadScenario(
      "free naming a name never allocated",
      "name: x\nsteps:\n  - buffers: { count: 1, size: 1MiB, as: a }\n  - free: { what: ghost }\n", at: 4, 19,
      field: "steps[1].free.what", "\"ghost\" names no earlier allocation; expected all, native, buffers, pages, threads, objects or one of the names given with as: a"),
    BadScenario(
      "free naming a name defined only later",
      "name: x\nsteps:\n  - free: { what: later }\n  - buffers: { count: 1, size: 1MiB, as: later }\n", at: 3, 19,
      field: "steps[0].free.what", "\"later\" names no earlier allocation"),
    BadScenario(
      "free naming another process's allocation",
      """
      name: x
      processes:
        - name: a
          steps: [ { buffers: { count: 1, size: 1MiB, as: blob } } ]
        - name: b
          steps: [ { free: { what: blob } } ]

      """, at: 6, 30, field: "processes[1].steps[0].free.what", "\"blob\" names no earlier allocation"),
    BadScenario(
      "free without what", "name: x\nsteps:\n  - free: { fraction: 0.5 }\n", at: 3, 11, field: "steps[0].free.what",
      "missing required field \"what\""),
    BadScenario(
      "free with an unknown pattern", "name: x\nsteps:\n  - free: { what: all, pattern: sideways }\n", at: 3, 33,
      field: "steps[0].free.pattern", "expected one of random, every-other, oldest, newest, got \"sideways\""),
    BadScenario(
      "as: using the reserved name native",
      "name: x\nsteps:\n  - buffers: { count: 1, size: 1MiB, as: native }\n", at: 3, 42, field: "steps[0].buffers.as",
      "the name \"native\" is reserved for free's what:"),
    BadScenario(
      "as: using the reserved name all", "name: x\nsteps:\n  - pages: { size: 1MiB, as: all }\n", at: 3, 30,
      field: "steps[0].pages.as", "the name \"all\" is reserved"),
    BadScenario(
      "as: with a space", "name: x\nsteps:\n  - pages: { size: 1MiB, as: \"a b\" }\n", at: 3, 30,
      field: "steps[0].pages.as", "expected a name of letters, digits, - and _, got \"a b\""),

    // repeat.
    BadScenario(
      "repeat without steps", "name: x\nsteps:\n  - repeat: { times: 3 }\n", at: 3, 13, field: "steps[0].repeat.steps",
      "missing required field \"steps\""),
    BadScenario(
      "repeat with empty steps", "name: x\nsteps:\n  - repeat: { times: 3, steps: [] }\n", at: 3, 32,
      field: "steps[0].repeat.steps", "expected at least one step, got an empty list"),
    BadScenario(
      "repeat with both times and until",
      "name: x\nsteps:\n  - repeat:\n      times: 3\n      until: killed\n      steps: [ { hold: 1s } ]\n", at: 4, 7,
      field: "steps[0].repeat", "expected exactly one of times: N or until: killed"),
    BadScenario(
      "repeat with neither times nor until", "name: x\nsteps:\n  - repeat: { steps: [ hold: 1s ] }\n", at: 3, 13,
      field: "steps[0].repeat", "expected exactly one of times: N or until: killed"),
    BadScenario(
      "repeat until something else", "name: x\nsteps:\n  - repeat: { until: done, steps: [ hold: 1s ] }\n", at: 3,
      22, field: "steps[0].repeat.until", "expected one of killed, got \"done\""),
    BadScenario(
      "bad step nested in a repeat",
      "name: x\nsteps:\n  - repeat:\n      times: 2\n      steps:\n        - hold: 1s\n        - buffers: { count: 1, size: 1 megabyte }\n",
      at: 7, 38, field: "steps[0].repeat.steps[1].buffers.size", "got \"1 megabyte\""),

    // processes.

    // Sizes, counts and durations beyond what a step can map or wait for (issue 8, items 10 and 12).
    BadScenario(
      "pages of 2^63-1 bytes", "name: x\nsteps:\n  - pages: { size: 9223372036854775807 }\n", at: 3, 20,
      field: "steps[0].pages.size", "expected at most 1TiB (1099511627776 bytes), got \"9223372036854775807\""),
    BadScenario(
      "buffers beyond 1TiB in all", "name: x\nsteps:\n  - buffers: { count: 2048, size: 1GiB }\n", at: 3, 35,
      field: "steps[0].buffers.size",
      "2048 x 1073741824 bytes is 2199023255552 bytes in one step; expected at most 1TiB (1099511627776 bytes)"),
    BadScenario(
      "native count times the largest block beyond 1TiB",
      "name: x\nsteps:\n  - native: { count: 1000000000, size: [1, 2KiB] }\n", at: 3, 40,
      field: "steps[0].native.size", "1000000000 x 2048 bytes is 2048000000000 bytes in one step"),
    BadScenario(
      "thread stacks beyond 1TiB in all", "name: x\nsteps:\n  - threads: { count: 30000, stack: 64MiB }\n",
      at: 3, 37, field: "steps[0].threads.stack", "30000 x 67108864 bytes is 2013265920000 bytes in one step"),
    BadScenario(
      "leak rate beyond 1TiB/s", "name: x\nsteps:\n  - leak: { rate: 2TiB/s }\n", at: 3, 19, field: "steps[0].leak.rate",
      "expected a rate of at most 1TiB/s (1099511627776 bytes), got \"2TiB/s\""),
    BadScenario(
      "leak block beyond 1TiB", "name: x\nsteps:\n  - leak: { rate: 1MiB/s, block: 2TiB }\n", at: 3, 34,
      field: "steps[0].leak.block", "expected at most 1TiB (1099511627776 bytes), got \"2TiB\""),
    BadScenario(
      "sparse stride beyond 1TiB", "name: x\nsteps:\n  - pages: { size: 1GiB, pattern: sparse 2TiB }\n", at: 3, 35,
      field: "steps[0].pages.pattern", "got \"sparse 2TiB\""),
    BadScenario(
      "limit beyond 1TiB", "name: x\nlimit: 8388607TiB\nsteps:\n  - hold: 1s\n", at: 2, 8, field: "limit",
      "expected at most 1TiB (1099511627776 bytes), got \"8388607TiB\""),
    BadScenario(
      "sample of 299999999m", "name: x\nsample: 299999999m\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "sample",
      "expected a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"299999999m\""),
    BadScenario(
      "sample above an hour", "name: x\nsample: 61m\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "sample",
      "expected a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"61m\""),
    BadScenario(
      "hold beyond 24 hours", "name: x\nsteps:\n  - hold: 1441m\n", at: 3, 11, field: "steps[0].hold",
      "expected a duration of at most 24 hours (24h), got \"1441m\""),
    BadScenario(
      "hold of 25 hours", "name: x\nsteps:\n  - hold: 25h\n", at: 3, 11, field: "steps[0].hold",
      "expected a duration of at most 24 hours (24h), got \"25h\""),
    BadScenario(
      "sample of 2 hours", "name: x\nsample: 2h\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "sample",
      "expected a duration from 1ms to 1h, like 10ms, 1s, 5m or 1h, got \"2h\""),
    BadScenario(
      "size with Kubernetes' unit in lower case", "name: x\nsteps:\n  - buffers: { count: 1, size: 512mi }\n", at: 3,
      32, field: "steps[0].buffers.size", "got \"512mi\""),
    BadScenario(
      "every beyond 24 hours", "name: x\nsteps:\n  - buffers: { count: 2, size: 1MiB, every: 299999999m }\n", at: 3,
      45, field: "steps[0].buffers.every", "expected a duration of at most 24 hours (24h), got \"299999999m\""),
    BadScenario(
      "leak for beyond 24 hours", "name: x\nsteps:\n  - leak: { rate: 1MiB/s, for: 100000s }\n", at: 3, 32,
      field: "steps[0].leak.for", "expected a duration of at most 24 hours (24h), got \"100000s\""),

    // What `run` refused and `validate` passed (issue 8, item 21).
    BadScenario(
      "heap-limit below 1MiB", "name: x\nheap-limit: 100\nsteps:\n  - hold: 1s\n", at: 2, 13, field: "heap-limit",
      "a heap limit of 100 bytes is below 1MiB; write a unit, like 192MiB"),
    BadScenario(
      "heap-limit beyond 1TiB", "name: x\nheap-limit: 2TiB\nsteps:\n  - hold: 1s\n", at: 2, 13, field: "heap-limit",
      "expected at most 1TiB (1099511627776 bytes), got \"2TiB\""),
    BadScenario(
      "name over 128 bytes", "name: \(String(repeating: "n", count: 300))\nsteps:\n  - hold: 1s\n", at: 1, 7,
      field: "name", "expected a name of at most 128 bytes (it becomes part of file names), got 300 bytes"),
    BadScenario(
      "name of 129 two-byte letters", "name: \(String(repeating: "é", count: 65))\nsteps:\n  - hold: 1s\n", at: 1, 7,
      field: "name", "got 130 bytes"),
    BadScenario(
      "name with a slash", "name: a/b\nsteps:\n  - hold: 1s\n", at: 1, 7, field: "name",
      "expected a name of letters, digits, - and _, got \"a/b\""),
    BadScenario(
      "name with an escaped NUL", "name: \"a\\0b\"\nsteps:\n  - hold: 1s\n", at: 1, 7, field: "name",
      "expected a name of letters, digits, - and _, got \"a\u{0}b\""),
    BadScenario(
      "name with a path", "name: ../../etc/x\nsteps:\n  - hold: 1s\n", at: 1, 7, field: "name",
      "expected a name of letters, digits, - and _, got \"../../etc/x\""),

    // Reader-level problems and YAML features (issue 8, items 1 and 24).
    BadScenario(
      "NUL byte in the text", "name: x\nabout: a\u{0}b\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "",
      "found the non-printable character U+0000; expected printable text"),
    BadScenario(
      "terminal escape in the text", "name: x\nabout: a\u{1B}[31mred\nsteps:\n  - hold: 1s\n", at: 2, 9, field: "",
      "found the non-printable character U+001B; expected printable text (inside double quotes it can be written \"\\x1B\")"),
    BadScenario(
      "DEL in a step", "name: x\nsteps:\n  - hold: 1s\u{7F}\n", at: 3, 13, field: "",
      "found the non-printable character U+007F"),
    BadScenario(
      "merge key with a scalar", "name: x\nsteps:\n  - buffers: { <<: 5, count: 1, size: 1MiB }\n", at: 3, 20,
      field: "steps[0].buffers.<<", "expected a mapping or a list of mappings to merge, like <<: *defaults, got \"5\""),
    BadScenario(
      "merge whose own key is bad",
      "name: x\nsteps:\n  - buffers: &b { count: 1, size: 1MiB }\n  - buffers: { <<: *b, size: 0 }\n", at: 4, 30,
      field: "steps[1].buffers.size", "a size must be above zero, got \"0\""),
    BadScenario(
      "aliases multiplying steps a billion times", laughingSteps, at: 14, 43, field: "",
      "the alias *a2 makes aliases stand for more than 10000 YAML nodes; expected at most 10000"),
    BadScenario(
      "an alias of a billion nodes as a mapping key", laughingKey, at: 7, 45, field: "",
      "the alias *l2 makes aliases stand for more than 10000 YAML nodes"),

    BadScenario(
      "processes empty", "name: x\nprocesses: []\n", at: 2, 12, field: "processes",
      "expected a non-empty list of processes"),
    BadScenario(
      "process name used twice",
      "name: x\nprocesses:\n  - name: a\n    steps: [ hold: 1s ]\n  - name: a\n    steps: [ hold: 1s ]\n", at: 5, 11,
      field: "processes[1].name", "the process name \"a\" is used twice"),
    BadScenario(
      "process without steps", "name: x\nprocesses:\n  - name: a\n", at: 3, 5, field: "processes[0].steps",
      "missing required field \"steps\""),
    BadScenario(
      "process with an unknown key", "name: x\nprocesses:\n  - name: a\n    colour: red\n    steps: [ hold: 1s ]\n",
      at: 4, 5, field: "processes[0].colour", "unknown key \"colour\"; expected one of: name, oom-score-adj, steps"),

    // Nothing unbounded: a leak without for: needs a limit or a timeout to end it.
    BadScenario(
      "leak without any bound", "name: x\nsteps:\n  - hold: 1s\n  - leak: { rate: 1MiB/s }\n", at: 4, 11,
      field: "steps[1].leak",
      "a leak without for: never ends by itself; expected for: on the step, or limit: or timeout: in the scenario"),
    BadScenario(
      "leak of objects under limit none", "name: x\nlimit: none\nsteps:\n  - leak: { rate: 1MiB/s, of: objects }\n",
      at: 4, 11, field: "steps[0].leak", "or timeout: in the scenario (or heap-limit:, which ends a leak of objects)"),
    BadScenario(
      "unbounded leak in a process", "name: x\nprocesses:\n  - name: a\n    steps: [ leak: { rate: 1MiB/s } ]\n",
      at: 4, 20, field: "processes[0].steps[0].leak", "a leak without for: never ends by itself"),
    BadScenario(
      "timeout of zero", "name: x\ntimeout: 0s\nsteps: [ hold: 1s ]\n", at: 2, 10, field: "timeout",
      "expected a duration above zero, got \"0s\""),
    BadScenario(
      "timeout that is no duration", "name: x\ntimeout: soon\nsteps: [ hold: 1s ]\n", at: 2, 10, field: "timeout",
      "expected a duration like 250ms, 2s, 1m or 1h, got \"soon\""),
  ]

  /// Nine nested anchors of ten aliases each in `repeat` steps: 10^9 steps from 2 KB.
  package static let laughingSteps: String = {
    var lines = ["name: laughs", "steps:", "  - repeat: &a0", "      times: 1"]
    lines.append("      steps: [ " + Array(repeating: "{ hold: 1ms }", count: 10).joined(separator: ", ") + " ]")
    for level in 1...8 {
      lines += ["  - repeat: &a\(level)", "      times: 1"]
      lines.append("      steps: [ " + Array(repeating: "{ repeat: *a\(level - 1) }", count: 10).joined(separator: ", ") + " ]")
    }
    return lines.joined(separator: "\n") + "\n"
  }()

  /// Nine nested anchors of ten aliases each, the last used as a key Yams hashes node by node.
  package static let laughingKey: String = {
    var lines = ["name: keys", "steps:", "  - hold: 1ms", "l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    for level in 1...8 {
      lines.append("l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]")
    }
    return (lines + ["? *l8", ": 1"]).joined(separator: "\n") + "\n"
  }()
}
