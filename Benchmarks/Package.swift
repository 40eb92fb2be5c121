// swift-tools-version: 6.1
// Micro-benchmarks of cq's hot kernels (STYLE "Benchmarks"): `make microbench`.
// A nested package, so the root package's `swift build` / `swift test` never build it.
import PackageDescription

let package = Package(
  name: "cq-benchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    // `name:` pins the identity to "cq" whatever the checkout folder is called.
    .package(name: "cq", path: ".."),
    .package(
      url: "https://github.com/ordo-one/benchmark", from: "1.38.1",
      traits: ["MallocInterposer"]),
  ],
  targets: [
    // Seeded simulator data in a temporary folder, built outside the timed part.
    .target(
      name: "Fixtures",
      dependencies: [
        .product(name: "CQSimulator", package: "cq"),
        .product(name: "CQStorage", package: "cq"),
        .product(name: "CQEngine", package: "cq"),
        .product(name: "CQLanguage", package: "cq"),
      ],
      path: "Fixtures"),
    // storage/load/…: CSV field parsing and table load.
    .executableTarget(
      name: "Storage",
      dependencies: [
        "Fixtures",
        .product(name: "CQStorage", package: "cq"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/Storage",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    // engine/…: filter, group-by, sum and distinct count over a loaded scale-10 folder.
    .executableTarget(
      name: "Engine",
      dependencies: [
        "Fixtures",
        .product(name: "CQEngine", package: "cq"),
        .product(name: "Benchmark", package: "benchmark"),
      ],
      path: "Benchmarks/Engine",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
  ],
  swiftLanguageModes: [.v6]
)
