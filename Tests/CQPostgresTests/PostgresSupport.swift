import CQPostgres
import CQTestSupport
import Foundation
import Testing

/// The throwaway PostgreSQL servers of `Tests/postgres/with-servers.sh` (run by `make test`).
///
/// Without `CQ_PG_URL` (plain `swift test`) the suites that need a server are skipped, with a
/// message saying how to run them.
enum TestServer {
  static let environment = ProcessInfo.processInfo.environment

  /// `postgres://cq@127.0.0.1:PORT/cq` on the main server; the password is in `PGPASSWORD`.
  static var url: String? { environment["CQ_PG_URL"].flatMap { $0.isEmpty ? nil : $0 } }

  /// The superuser over the main server's socket (trust), for roles the tests make.
  static var adminURL: String? { environment["CQ_PG_ADMIN_URL"].flatMap { $0.isEmpty ? nil : $0 } }

  static var isAvailable: Bool { url != nil }

  static let skipReason: Comment =
    "no PostgreSQL server: CQ_PG_URL is not set; run 'make test', or Tests/postgres/with-servers.sh swift test"

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
}

/// A database of its own on the main server, dropped when released; each test loads into one,
/// so tests run in parallel without meeting.
final class ScratchDatabase {
  let name: String
  let url: String

  init() throws {
    name = "cq_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    url = TestServer.url(database: name)
    let admin = try PGConnection(url: TestServer.url!)
    try admin.execute("create database \(name)")
  }

  deinit {
    if let admin = try? PGConnection(url: TestServer.url!) {
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
    try rows("select tablename from pg_tables where schemaname = 'public' order by 1").map { $0[0] ?? "" }
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
func cqLoad(_ folder: String, into url: String, environment: [String: String] = [:]) throws -> CQRun {
  try runCQ(["load", folder, "--into", url], environment: environment)
}

/// A scratch folder removed when the value is released.
final class Folder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("cq-pg-\(UUID().uuidString)")
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
    for f in try FileManager.default.contentsOfDirectory(atPath: source.path) where f.hasSuffix(".csv") {
      try FileManager.default.copyItem(at: source.appendingPathComponent(f), to: url.appendingPathComponent(f))
    }
  }
}
