// swift-tools-version: 6.1
// libFuzzer targets for cq (issue 10, "nothing crashes"): `make fuzz` at the top level.
// A nested package, so the root package's `swift build` / `swift test` never build it.
//
// cq's CQRendering and CQShell are not library products of the root package, and a package
// cannot declare a target of the same name as one of its dependency's, so instead of
// `.package(path: "..")` this package builds cq's library modules itself from the very same
// sources: `Shared/<Module>` are symlinks to `../Sources/<Module>`. Keep the module graph
// below in step with the root Package.swift when a module is added.
//
// Build by hand (Linux, Swift 6.3):
//   swift build -c debug -Xswiftc -sanitize=fuzzer,address --product statements
// Every module is built with `-sanitize=fuzzer,address`, so libFuzzer sees coverage of cq's
// code and ASan checks it. The fuzz targets are `-parse-as-library` (no `main`: libFuzzer's
// `main` calls `LLVMFuzzerTestOneInput`).
import PackageDescription

let fuzzTarget: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
  name: "cq-fuzz",
  platforms: [.macOS(.v14)],
  targets: [
    // cq's modules (symlinks into ../Sources), with the root package's dependencies.
    .target(name: "CQLanguage", path: "Shared/CQLanguage"),
    .target(name: "CQStorage", path: "Shared/CQStorage"),
    .target(
      name: "CQEngine", dependencies: ["CQLanguage", "CQStorage", "CQSQL", "CQPostgres"],
      path: "Shared/CQEngine"),
    .target(name: "CQSQL", path: "Shared/CQSQL"),
    .systemLibrary(name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq"),
    .target(name: "CQPostgres", dependencies: ["CLibPQ"], path: "Shared/CQPostgres"),
    .target(
      name: "CQRendering", dependencies: ["CQLanguage", "CQStorage"], path: "Shared/CQRendering"),
    .target(name: "CQSimulator", dependencies: ["CQStorage"], path: "Shared/CQSimulator"),
    .target(
      name: "CQShell",
      dependencies: [
        "CQLanguage", "CQStorage", "CQEngine", "CQRendering", "CQSimulator", "CQPostgres",
      ],
      path: "Shared/CQShell"),
    // Statement text → lexer, parser, binder, plan, execution and rendering (through `Session`).
    .executableTarget(
      name: "statements", dependencies: ["CQLanguage", "CQShell"], path: "Sources/statements",
      swiftSettings: fuzzTarget),
    // CSV bytes → the data loader (plain and chunked parse, cache round trip), then queries.
    .executableTarget(
      name: "csv", dependencies: ["CQStorage", "CQShell"], path: "Sources/csv",
      swiftSettings: fuzzTarget),
  ],
  swiftLanguageModes: [.v6]
)
