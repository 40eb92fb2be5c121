import CQTestSupport
import Foundation
import Testing

/// The differential suite of issue 11 (SPEC §8): the same statements on the in-memory engine and
/// on PostgreSQL give byte-identical output — every example script on the bundled data, and every
/// statement of the engine's golden query files on their fixtures — and so does a database whose
/// fact tables are hash-partitioned over two other servers (`CQ_PG_SHARDED_URL`), so SQL that
/// silently depends on one node fails here.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct DifferentialTests {
  static let root = TestPaths.packageRoot()

  static var examples: [String] {
    let folder = root.appendingPathComponent("examples")
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
      $0.hasSuffix(".cq")
    }.sorted()
  }

  static var queryFiles: [String] {
    let folder = root.appendingPathComponent("Tests/CQEngineTests/Queries")
    return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
      $0.hasSuffix(".slt")
    }.sorted()
  }

  /// The statements of a golden query file as a script (records in order), and its fixture.
  static func script(fromQueryFile name: String) throws -> (fixture: String, script: String) {
    let text = try String(
      contentsOf: root.appendingPathComponent("Tests/CQEngineTests/Queries/\(name)"),
      encoding: .utf8)
    let (fixture, records) = QueryFile.parse(text)
    // One line a statement: a script ends a statement at the end of its line.
    let statements = records.map { $0.source.replacingOccurrences(of: "\n", with: " ") }
    return (fixture, statements.joined(separator: "\n") + "\n")
  }

  /// A scratch database holding `folder`, loaded by `cq load`.
  static func database(holding folder: String) throws -> ScratchDatabase {
    let db = try ScratchDatabase()
    let load = try cqLoad(folder, into: db.url)
    #expect(load.status == 0, "cq load \(folder): \(load.stderr)")
    return db
  }

  /// Runs `script` in memory on `folder` and on each database URL; every output must be the
  /// in-memory one, byte for byte (standard output, standard error with the script's own
  /// `FILE:LINE:COL` messages, and the exit status).
  static func compare(script: URL, folder: String, databases: [(String, String)]) throws {
    let memory = try runCQ(["--continue", "--data", folder, "run", script.path])
    #expect(!memory.stdout.isEmpty, "no output from \(script.lastPathComponent)")
    for (label, url) in databases {
      let remote = try runCQ(["--continue", "--engine", url, "run", script.path])
      #expect(
        remote.status == memory.status,
        "\(script.lastPathComponent) on \(label): exit \(remote.status), in memory \(memory.status): \(remote.stderr)"
      )
      if remote.stdout != memory.stdout {
        let diff = remote.stdout.components(separatedBy: "\n").difference(
          from: memory.stdout.components(separatedBy: "\n"))
        Issue.record(
          "\(script.lastPathComponent) on \(label): standard output differs from in memory:\n\(diff.prefix(20).map { "\($0)" }.joined(separator: "\n"))"
        )
      }
      #expect(
        remote.stderr == memory.stderr,
        "\(script.lastPathComponent) on \(label): standard error differs")
    }
  }

  static let bundled = root.appendingPathComponent("data").path

  /// The bundled data in a database of its own, plus the sharded copy when `make test` made one.
  static func bundledDatabases() throws -> (ScratchDatabase, [(String, String)]) {
    let db = try database(holding: bundled)
    var urls = [("PostgreSQL", db.url)]
    if let sharded = TestServer.environment["CQ_PG_SHARDED_URL"], !sharded.isEmpty {
      urls.append(("sharded PostgreSQL", sharded))
    }
    return (db, urls)
  }

  /// Statements whose `having`, order and limit run on the database (`FETCH FIRST … WITH TIES`),
  /// many of them with ties at the cut, which cq breaks by label and first appearance.
  static let pushedDown = [
    "top 3 user by orders", "bottom 4 user by orders with other", "top 5 user by revenue",
    "top 2 brand, weekday by conversions", "orders by user having orders >= 3 limit 5",
    "top 5 influencer_id by roas having roas > 1", "top 3 influencer by posts with other",
    "orders by user, day having not orders > 1 limit 7", "top 4 tier by posts",
    "top 3 week by orders order by week desc", "revenue by user order by revenue asc limit 6",
    "top 6 campaign, basis by payout with other", "top 3 influencer_id by engagement_rate",
    "customers by source, week having customers > 2 order by week desc, customers limit 4",
    "top 5 user by aov where brand=MuscleBlaze", "bottom 3 day by orders",
    "top 1 user by orders with other",
    "top 4 influencer_id, status by pending_payout",
    "roas by campaign having roas > 1 or roas < 0.5",
    "top 2 product by orders", "revenue by category, platform order by revenue limit 3",
  ]

  @Test func havingOrderAndLimitOnTheDatabaseAnswerAsInMemory() throws {
    let scratch = try Folder()
    try scratch.write(
      DifferentialTests.pushedDown.joined(separator: "\n") + "\n", to: "pushed.cq")
    let (db, urls) = try DifferentialTests.bundledDatabases()
    defer { withExtendedLifetime(db) {} }
    try DifferentialTests.compare(
      script: scratch.url.appendingPathComponent("pushed.cq"), folder: DifferentialTests.bundled,
      databases: urls)
    let sql = try runCQ(["--engine", db.url, "-c", "explain sql top 3 user by orders"])
    #expect(sql.stdout.contains("FETCH FIRST 4 ROWS WITH TIES"), "\(sql.stdout)")
  }

  @Test("every example script answers byte for byte as in memory", arguments: examples)
  func example(_ name: String) throws {
    let (db, urls) = try DifferentialTests.bundledDatabases()
    defer { withExtendedLifetime(db) {} }
    try DifferentialTests.compare(
      script: DifferentialTests.root.appendingPathComponent("examples/\(name)"),
      folder: DifferentialTests.bundled, databases: urls)
  }

  @Test(
    "every statement of the golden query files, on their fixtures and on the bundled data",
    arguments: queryFiles)
  func queryFile(_ name: String) throws {
    let (fixture, script) = try DifferentialTests.script(fromQueryFile: name)
    let scratch = try Folder()
    try scratch.write(script, to: "\(name).cq")
    let file = scratch.url.appendingPathComponent("\(name).cq")
    let fixtureFolder = DifferentialTests.root.appendingPathComponent(
      "Tests/CQEngineTests/Fixtures/\(fixture)"
    ).path
    let fixtureDB = try DifferentialTests.database(holding: fixtureFolder)
    try DifferentialTests.compare(
      script: file, folder: fixtureFolder, databases: [("PostgreSQL (\(fixture))", fixtureDB.url)])
    // The same statements on the bundled data: other values, many more groups.
    let (db, urls) = try DifferentialTests.bundledDatabases()
    defer { withExtendedLifetime(db) {} }
    try DifferentialTests.compare(script: file, folder: DifferentialTests.bundled, databases: urls)
  }
}
