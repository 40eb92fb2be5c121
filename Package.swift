// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "cq",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "cq", targets: ["cq"]),
    .library(name: "CQLanguage", targets: ["CQLanguage"]),
    .library(name: "CQStorage", targets: ["CQStorage"]),
    .library(name: "CQEngine", targets: ["CQEngine"]),
    .library(name: "CQSimulator", targets: ["CQSimulator"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
  ],
  targets: [
    // Statement language: lexer (never throws), AST, parser, diagnostics.
    .target(name: "CQLanguage"),
    // Columnar store, CSV ingest, result sets.
    .target(name: "CQStorage"),
    // Binder, logical plan, executor.
    .target(name: "CQEngine", dependencies: ["CQLanguage", "CQStorage", "CQSQL", "CQPostgres"]),
    // Tables, machine formats, charts, caret diagnostics, terminal width.
    .target(name: "CQRendering", dependencies: ["CQLanguage", "CQStorage"]),
    // Session, statements, completion, the LineReader protocol (no C here).
    .target(
      name: "CQShell",
      dependencies: [
        "CQLanguage", "CQStorage", "CQEngine", "CQRendering", "CQSimulator", "CQPostgres",
      ]),
    // libpq (PostgreSQL's C client) through pkg-config: the PostgreSQL engine (SPEC §8).
    .systemLibrary(
      name: "CLibPQ", pkgConfig: "libpq",
      providers: [.apt(["libpq-dev"])]),
    // A small SQL tree and its PostgreSQL renderer (identifiers quoted, values as parameters).
    .target(name: "CQSQL"),
    // A PostgreSQL connection over libpq: statements with bound parameters, COPY, cancel.
    .target(name: "CQPostgres", dependencies: ["CLibPQ"]),
    // libedit through pkg-config.
    .systemLibrary(
      name: "CEditLine", pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]),
    // Seeded generator for the four CSV tables.
    .target(name: "CQSimulator", dependencies: ["CQStorage"]),
    .executableTarget(
      name: "cq",
      dependencies: [
        "CQLanguage", "CQStorage", "CQEngine", "CQRendering", "CQShell", "CQSimulator", "CEditLine",
        "CQPostgres",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .target(name: "CQTestSupport", dependencies: ["CQStorage"], path: "Tests/CQTestSupport"),
    .testTarget(name: "CQLanguageTests", dependencies: ["CQLanguage", "CQTestSupport"]),
    .testTarget(
      name: "CQStorageTests", dependencies: ["CQStorage", "CQTestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "CQEngineTests",
      dependencies: [
        "CQEngine", "CQLanguage", "CQStorage", "CQRendering", "CQSimulator", "CQTestSupport",
      ],
      exclude: ["Fixtures", "Queries"]),
    .testTarget(
      name: "CQRenderingTests", dependencies: ["CQRendering", "CQStorage", "CQTestSupport"],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "CQShellTests", dependencies: ["CQShell", "CQStorage", "CQSimulator", "CQTestSupport"]),
    .testTarget(
      name: "CQSimulatorTests", dependencies: ["CQSimulator", "CQStorage", "CQTestSupport"]),
    .testTarget(name: "CQCLITests", dependencies: ["CQTestSupport"], exclude: ["Snapshots"]),
    // `cq load --into` and the throwaway PostgreSQL servers of Tests/postgres (CQ_PG_URL).
    .testTarget(name: "CQPostgresTests", dependencies: ["CQPostgres", "CQTestSupport"]),
  ],
  swiftLanguageModes: [.v6]
)
