// swift-tools-version:6.0
import PackageDescription

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
    // Yams also in the tests: ScenarioSchemaTests reads scenarios as an editor's YAML 1.2 parser would.
    .testTarget(name: "OomlabKitTests", dependencies: ["OomlabKit", .product(name: "Yams", package: "Yams")]),
  ],
  swiftLanguageModes: [.v5]
)
