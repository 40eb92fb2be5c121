// libFuzzer target: statement text → cq's lexer, parser, binder, plan, executor and renderer.
//
// Each input is decoded as UTF-8 (invalid bytes become U+FFFD) and run through a fresh
// `Session` (no state leaks between inputs, so every crash reproduces from its input alone)
// over a small data folder (`Fuzz/Fixture`, about 1,500 rows cut from `data/`, all six tables).
// It runs with `--continue` semantics and every output format the input `set`s; its output is
// dropped (`CQ_FUZZ_VERBOSE=1` copies it to stderr).
//
// Sandbox: inputs that would touch files are skipped whole: `load`, `run`, and any statement
// with a `> FILE` / `>> FILE` redirect. The working directory is an empty temporary folder.
// `CQ_FUZZ_DATA=DIR` runs against another folder (e.g. `data/`) instead of the fixture.
import CQLanguage
import CQShell
import Foundation

/// What every input shares: the data folder, found once per process.
enum Harness {
  static let folder: String = {
    setenv("CQ_NO_CACHE", "1", 1)  // never write `.cq-cache/` into the data folder
    // Fuzz/Sources/statements/Statements.swift → Fuzz/Fixture
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixture")
    var folder = fixture.path
    if let dir = ProcessInfo.processInfo.environment["CQ_FUZZ_DATA"], !dir.isEmpty {
      folder = URL(fileURLWithPath: dir).standardizedFileURL.path
    }
    let sandbox = FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-fuzz-statements").path
    try? FileManager.default.createDirectory(atPath: sandbox, withIntermediateDirectories: true)
    guard FileManager.default.changeCurrentDirectoryPath(sandbox) else {
      fatalError("fuzz: cannot enter the sandbox folder \(sandbox)")
    }
    return folder
  }()

  /// `CQ_FUZZ_VERBOSE=1`: copy the session's output to stderr (to see what an input does).
  static let verbose = ProcessInfo.processInfo.environment["CQ_FUZZ_VERBOSE"] == "1"

  /// True when running the statements could read or write a file.
  static func touchesFiles(_ text: String) -> Bool {
    for parsed in Parser.parseStatements(text) {
      guard let node = parsed.node else { continue }
      switch node.stmt {
      case .load, .run, .save: return true
      case .query(let q), .explain(let q): if q.redirect != nil { return true }
      case .sample(_, _, _, let redirect), .last(_, let redirect):
        if redirect != nil { return true }
      default: break
      }
    }
    return false
  }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  let folder = Harness.folder
  if Harness.touchesFiles(text) { return -1 }  // -1: not added to the corpus
  var options = SessionOptions()
  options.continueOnError = true
  options.terminalWidth = { 100 }
  var errors = ""
  let echo = Harness.verbose
  let session = Session(
    options: options, out: { if echo { FileHandle.standardError.write(Data($0.utf8)) } },
    err: {
      errors += $0
      if echo { FileHandle.standardError.write(Data($0.utf8)) }
    })
  guard session.load(folder: folder, quiet: true) else {
    fatalError("fuzz: the data folder \(folder) does not load: \(errors)")
  }
  session.execute(text, fileName: "fuzz")
  session.finish()
  return 0
}
