// swift-tools-version:6.1
import PackageDescription

import class Foundation.ProcessInfo

let package = Package(
  name: "oomlab",
  products: [
    .executable(name: "oomlab", targets: ["oomlab"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // Only what Swift cannot call: variadic prctl, alloca'd stacks, C11 atomics on a
    // shared mapping, and allocator entry points looked up at run time.
    .target(name: "COomlabShim", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),
    .target(
      name: "OomlabKit",
      dependencies: ["COomlabShim", .product(name: "Yams", package: "Yams")]
    ),
    .executableTarget(
      name: "oomlab",
      dependencies: [
        "OomlabKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    // What both test targets use: the machine's capabilities that decide skips, the fake cgroup tree, oracles.
    .target(name: "OomlabTestSupport", dependencies: ["OomlabKit"], path: "Tests/OomlabTestSupport"),
    // Parsers, tables and models with no process started: `swift test --filter OomlabUnitTests` in seconds.
    .testTarget(name: "OomlabUnitTests", dependencies: ["OomlabKit", "OomlabTestSupport"]),
    // Real runs of the built binary, real programs, cgroups and allocators. Yams: ScenarioSchemaTests
    // reads scenarios as an editor's YAML 1.2 parser would.
    .testTarget(
      name: "OomlabEndToEndTests",
      dependencies: ["OomlabKit", "OomlabTestSupport", .product(name: "Yams", package: "Yams")]),
  ],
  swiftLanguageModes: [.v6]
)

// The benchmark of the supervisor's per-tick hot path (Benchmarks/, run by scripts/bench.sh).
// package-benchmark brings six more packages, which would add about 70% to the CPU time of every cold
// build and test run, so they are part of the package only when OOMLAB_BENCHMARKS is set.
if ProcessInfo.processInfo.environment["OOMLAB_BENCHMARKS"] != nil {
  package.dependencies.append(
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]))
  package.targets += [
    // One supervisor tick against a live child, shared by the two executables below.
    .target(name: "OomlabTick", dependencies: ["OomlabKit"], path: "Benchmarks/Support/OomlabTick"),
    .executableTarget(
      name: "OomlabBenchmarks",
      dependencies: ["OomlabTick", .product(name: "Benchmark", package: "benchmark")],
      path: "Benchmarks/OomlabBenchmarks",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),
    // The same ticks without package-benchmark's runner, for callgrind's instruction counts.
    .executableTarget(name: "OomlabTickCount", dependencies: ["OomlabTick"], path: "Benchmarks/Support/OomlabTickCount"),
  ]
}
