import CQPostgres
import CQTestSupport
import Foundation
import Testing

/// The throwaway PostgreSQL servers of `Tests/postgres/with-servers.sh` (run by `make test`).
///
/// Without `CQ_PG_URL` (plain `swift test`), the first use starts them through the same script
/// (`with-servers.sh --load data`), kept until this test process ends; where that cannot be
/// done (no PostgreSQL installed, `CQ_PG_START=0`) the suites that need a server are skipped,
/// with a message saying how to run them.
enum TestServer {
  /// The process environment, with the servers' variables when this process started them.
  static let environment: [String: String] = startIfNeeded()

  /// `postgres://cq@127.0.0.1:PORT/cq` on the main server; the password is in `PGPASSWORD`.
  static var url: String? { environment["CQ_PG_URL"].flatMap { $0.isEmpty ? nil : $0 } }

  /// The superuser over the main server's socket (trust), for roles the tests make.
  static var adminURL: String? { environment["CQ_PG_ADMIN_URL"].flatMap { $0.isEmpty ? nil : $0 } }

  static var isAvailable: Bool { url != nil }

  static let skipReason: Comment =
    "no PostgreSQL server: CQ_PG_URL is not set and none could be started here; run 'make test', or Tests/postgres/with-servers.sh --load data swift test"

  /// `url` naming database `name` instead (`postgres://u@h:p/cq` → `postgres://u@h:p/NAME`).
  static func url(database name: String, in url: String? = TestServer.url) -> String {
    let base = url ?? ""
    let query = base.firstIndex(of: "?").map { String(base[$0...]) } ?? ""
    let withoutQuery = base.firstIndex(of: "?").map { String(base[..<$0]) } ?? base
    guard let slash = withoutQuery.lastIndex(of: "/") else { return base }
    return withoutQuery[..<slash] + "/" + name + query
  }

  /// `USER@HOST:PORT/NAME` as cq names a database in messages.
  static func place(database name: String) -> String {
    let u = url(database: name)
    let afterScheme = u.range(of: "://").map { String(u[$0.upperBound...]) } ?? u
    return afterScheme.split(separator: "?").first.map(String.init) ?? afterScheme
  }

  /// The password of role cq (only ever in the environment).
  static var password: String { environment["PGPASSWORD"] ?? "" }

  /// Starts the servers when `CQ_PG_URL` is unset, and puts their variables in this process's
  /// environment (so libpq here and every `cq` run see them).
  ///
  /// The script runs `bash -c` that writes its environment to a file and then waits for this
  /// process to end; the script's trap then stops the servers and removes their folders, even
  /// when this process is killed.
  private static func startIfNeeded() -> [String: String] {
    let current = ProcessInfo.processInfo.environment
    if let url = current["CQ_PG_URL"], !url.isEmpty { return current }
    if current["CQ_PG_START"] == "0" { return current }
    let root = TestPaths.packageRoot()
    let script = root.appendingPathComponent("Tests/postgres/with-servers.sh")
    let binary = TestPaths.cqBinary
    let manager = FileManager.default
    let installed =
      (try? manager.contentsOfDirectory(atPath: "/usr/lib/postgresql"))?.contains {
        manager.isExecutableFile(atPath: "/usr/lib/postgresql/\($0)/bin/initdb")
      } ?? false
    guard installed, manager.isExecutableFile(atPath: binary.path) else { return current }

    let file = manager.temporaryDirectory.appendingPathComponent("cq-pg-env-\(UUID().uuidString)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [
      script.path, "--load", root.appendingPathComponent("data").path, "/bin/bash", "-c",
      "env > \"$1.tmp\" && mv \"$1.tmp\" \"$1\"; while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done",
      "watch", file.path,
    ]
    var environment = current
    environment["CQ_BIN"] = binary.path
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle.nullDevice
    let log = manager.temporaryDirectory.appendingPathComponent(
      "cq-pg-start-\(UUID().uuidString).log")
    manager.createFile(atPath: log.path, contents: nil)
    process.standardError = try? FileHandle(forWritingTo: log)
    defer { try? manager.removeItem(at: log) }
    guard (try? process.run()) != nil else { return current }
    let deadline = Date().addingTimeInterval(180)
    while !manager.fileExists(atPath: file.path) {
      if !process.isRunning || Date() > deadline {
        let reason = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        FileHandle.standardError.write(
          Data("note: could not start PostgreSQL for the tests:\n\(reason)\n".utf8))
        if process.isRunning { process.interrupt() }
        return current
      }
      Thread.sleep(forTimeInterval: 0.1)
    }
    defer { try? manager.removeItem(at: file) }
    guard let text = try? String(contentsOf: file, encoding: .utf8) else { return current }
    var started = current
    for line in text.split(separator: "\n") {
      guard let equal = line.firstIndex(of: "=") else { continue }
      let name = String(line[..<equal])
      let value = String(line[line.index(after: equal)...])
      guard name.hasPrefix("CQ_PG_") || name == "PGPASSWORD" else { continue }
      setenv(name, value, 1)
      started[name] = value
    }
    FileHandle.standardError.write(
      Data(
        "note: started throwaway PostgreSQL servers for the tests (\(started["CQ_PG_URL"] ?? "?"))\n"
          .utf8))
    return started
  }
}

/// A database of its own on the main server, dropped when released; each test loads into one,
/// so tests run in parallel without meeting.
final class ScratchDatabase {
  let name: String
  let url: String

  init() throws {
    name =
      "cq_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    url = TestServer.url(database: name)
    let admin = try PGConnection(url: TestServer.url ?? "")
    try admin.execute("create database \(name)")
  }

  deinit {
    if let admin = try? PGConnection(url: TestServer.url ?? "") {
      _ = try? admin.query("drop database if exists \(name) with (force)")
    }
  }

  /// `USER@HOST:PORT/DB`, as messages name it.
  var place: String { TestServer.place(database: name) }

  func connect() throws -> PGConnection { try PGConnection(url: url) }

  /// The rows of `sql` (text values, nil for NULL).
  func rows(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
    try connect().query(sql, parameters).rows
  }

  /// The single value of `sql`.
  func value(_ sql: String, _ parameters: [String?] = []) throws -> String? {
    try rows(sql, parameters).first?.first ?? nil
  }

  /// Tables in schema public, sorted.
  func tables() throws -> [String] {
    try rows("select tablename from pg_tables where schemaname = 'public' order by 1").map {
      $0[0] ?? ""
    }
  }

  /// `name type` of each column of `table`, in order.
  func columns(_ table: String) throws -> [String] {
    try rows(
      """
      select column_name || ' ' || data_type || case when is_nullable = 'NO' then ' not null' else '' end
      from information_schema.columns where table_schema = 'public' and table_name = $1
      order by ordinal_position
      """, [table]
    ).map { $0[0] ?? "" }
  }
}

/// `cq load DIR --into URL` with the environment given (PGPASSWORD from the test's own unless
/// overridden).
func cqLoad(_ folder: String, into url: String, environment: [String: String] = [:]) throws -> CQRun
{
  try runCQ(["load", folder, "--into", url], environment: environment)
}

/// A scratch folder removed when the value is released.
final class Folder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "cq-pg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  var path: String { url.path }

  func write(_ text: String, to name: String) throws {
    try Data(text.utf8).write(to: url.appendingPathComponent(name))
  }

  func remove(_ name: String) throws {
    try FileManager.default.removeItem(at: url.appendingPathComponent(name))
  }

  /// Copies the bundled CSV files here.
  func copyBundledData() throws {
    let source = TestPaths.bundledData
    for f in try FileManager.default.contentsOfDirectory(atPath: source.path)
    where f.hasSuffix(".csv") {
      try FileManager.default.copyItem(
        at: source.appendingPathComponent(f), to: url.appendingPathComponent(f))
    }
  }
}
