import CQPostgres
import CQTestSupport
import Foundation
import Testing

/// `--engine postgres://…` when things go wrong (SPEC §8): one message naming host and
/// database, exit 4, never the password; values are data, never SQL; Ctrl-C stops the server.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct EngineErrorTests {
  static let small = TestPaths.packageRoot().appendingPathComponent(
    "Tests/CQEngineTests/Fixtures/small"
  ).path

  @Test func aStoppedServerIsExitFourNamingHostAndDatabase() throws {
    // Port 1 on loopback: nothing listens there.
    let run = try runCQ([
      "--engine", "postgres://cq@127.0.0.1:1/campaigns", "-c", "revenue by brand",
    ])
    #expect(run.status == 4)
    #expect(
      run.stderr.contains("cannot connect to PostgreSQL at cq@127.0.0.1:1/campaigns"),
      "\(run.stderr)")
    #expect(run.stdout.isEmpty)
  }

  @Test func aWrongPasswordIsRefusedWithoutShowingIt() throws {
    let secret = "s3cret-Wrong-\(UUID().uuidString.prefix(6))"
    let inURL = TestServer.url!.replacingOccurrences(
      of: "postgres://cq@", with: "postgres://cq:\(secret)@")
    for (url, env) in [(TestServer.url!, ["PGPASSWORD": secret]), (inURL, ["PGPASSWORD": ""])] {
      let run = try runCQ(["--engine", url, "-c", "revenue by brand"], environment: env)
      #expect(run.status == 4)
      #expect(run.stderr.contains("refused the login"), "\(run.stderr)")
      #expect(!run.stderr.contains(secret) && !run.stdout.contains(secret))
    }
  }

  @Test func aMissingColumnIsNamedAtConnect() throws {
    let db = try ScratchDatabase()
    #expect(try cqLoad(EngineErrorTests.small, into: db.url).status == 0)
    try db.connect().execute("ALTER TABLE payouts DROP COLUMN total_payout")
    let run = try runCQ(["--engine", db.url, "-c", "payout by brand"])
    #expect(run.status == 4)
    #expect(run.stderr.contains("payouts.total_payout is missing"), "\(run.stderr)")
    #expect(run.stderr.contains(db.place))
  }

  @Test func aValueThatLooksLikeSQLIsData() throws {
    // A brand named like an injection: the statement finds its rows, and nothing is dropped.
    let folder = try Folder()
    let hostile = "x'); drop table payouts; --"
    for file in try FileManager.default.contentsOfDirectory(atPath: EngineErrorTests.small)
    where file.hasSuffix(".csv") {
      var text = try String(contentsOfFile: EngineErrorTests.small + "/" + file, encoding: .utf8)
      if file == "tracking_data.csv" || file == "products.csv" {
        text = text.replacingOccurrences(of: "MuscleBlaze", with: "\"\(hostile)\"")
      }
      try folder.write(text, to: file)
    }
    let db = try ScratchDatabase()
    let load = try cqLoad(folder.path, into: db.url)
    #expect(load.status == 0, "\(load.stderr)")
    let statement = "revenue, payout by brand where brand = \"\(hostile)\""
    let memory = try runCQ(["--data", folder.path, "--format", "csv", "-c", statement])
    let remote = try runCQ(["--engine", db.url, "--format", "csv", "-c", statement])
    #expect(memory.status == 0, "\(memory.stderr)")
    #expect(remote.stdout == memory.stdout, "\(remote.stderr)")
    #expect(remote.stdout.contains("drop table payouts"))
    #expect(try db.value("select count(*) from payouts") != nil)
    // explain sql shows it as a bound value, quoted once as a literal for psql.
    let sql = try runCQ(["--engine", db.url, "-c", "explain sql " + statement])
    #expect(sql.status == 0, "\(sql.stderr)")
    #expect(sql.stdout.contains("EXECUTE cq_query("))
    #expect(sql.stdout.contains("'x''); drop table payouts; --'"))
  }

  @Test func cancellingStopsTheStatementOnTheServer() throws {
    let connection = try PGConnection(url: TestServer.url!)
    let start = Date()
    var error: PGError?
    do {
      try connection.query(
        "SELECT pg_sleep(30)", shouldCancel: { Date().timeIntervalSince(start) > 0.3 })
    } catch let e {
      error = e
    }
    #expect(error?.kind == .cancelled)
    #expect(Date().timeIntervalSince(start) < 10)
    // The server is no longer running it.
    let watcher = try PGConnection(url: TestServer.url!)
    let running = try watcher.query(
      "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30)' AND state = 'active'"
    )
    #expect(running.rows.first?.first == "0")
  }
}

/// Ctrl-C during `cq --engine … run` or `-c` (SPEC §8): the statement stops on the server, not
/// only in cq.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct BatchCancelTests {
  /// Polls `sql` on `connection` until it gives `expected` `times` polls in a row, 0.1 s apart
  /// (at most `seconds`).
  static func wait(
    for expected: String, _ sql: String, on connection: PGConnection, seconds: Double,
    times: Int = 1
  ) throws -> Bool {
    let end = Date().addingTimeInterval(seconds)
    var seen = 0
    while Date() < end {
      seen = try connection.query(sql).rows.first?.first == expected ? seen + 1 : 0
      if seen >= times { return true }
      usleep(100_000)
    }
    return false
  }

  @Test func ctrlCCancelsTheRunningStatementOnTheServerAndEndsTheRun() throws {
    let db = try ScratchDatabase()
    let load = try cqLoad(TestPaths.bundledData.path, into: db.url)
    #expect(load.status == 0, "\(load.stderr)")
    let watcher = try PGConnection(url: db.url, applicationName: "cq-test-watcher")
    let process = Process()
    process.executableURL = TestPaths.cqBinary
    process.arguments = ["--engine", db.url, "run", "-"]
    let input = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    // Connected (catalogue read, derived tables built): cq waits for its script, idle for 3 s
    // (connecting runs many short queries, idle between them).
    let cq = "FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cq'"
    #expect(
      try Self.wait(
        for: "1", "SELECT count(*) \(cq) AND state = 'idle'", on: watcher, seconds: 180, times: 30))
    // A lock the query waits on, so it runs until it is cancelled.
    let holder = try PGConnection(url: db.url, applicationName: "cq-test-lock")
    try holder.query("BEGIN")
    try holder.query("LOCK TABLE tracking_data IN ACCESS EXCLUSIVE MODE")
    input.fileHandleForWriting.write(Data("revenue by brand\norders by brand\n".utf8))
    try input.fileHandleForWriting.close()
    #expect(
      try Self.wait(
        for: "1", "SELECT count(*) \(cq) AND wait_event_type = 'Lock'", on: watcher, seconds: 30))
    let interrupted = Date()
    kill(process.processIdentifier, SIGINT)
    let end = Date().addingTimeInterval(20)
    while process.isRunning, Date() < end { usleep(50_000) }
    if process.isRunning {
      let state = try watcher.query(
        "SELECT state || ' ' || coalesce(wait_event_type, '-') || ' ' || left(query, 30) \(cq)"
      ).rows
      Issue.record("cq still runs 20 s after Ctrl-C; on the server: \(state)")
      process.terminate()
      process.waitUntilExit()
      Issue.record(
        "stderr: \(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))"
      )
    }
    #expect(Date().timeIntervalSince(interrupted) < 20)
    #expect(process.terminationReason == .exit && process.terminationStatus != 0)
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(stderr.contains("query cancelled"), "\(stderr)")
    // Nothing of cq's still waits or runs on the server.
    #expect(
      try Self.wait(for: "0", "SELECT count(*) \(cq) AND state = 'active'", on: watcher, seconds: 5)
    )
    try holder.query("ROLLBACK")
  }
}

/// `set engine` in `~/.cqrc` (SPEC §8): the session starts on the database.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct EngineStartupTests {
  @Test func setEngineInTheStartupFileRunsOnTheDatabase() throws {
    let db = try ScratchDatabase()
    #expect(try cqLoad(EngineErrorTests.small, into: db.url).status == 0)
    let folder = try Folder()
    try folder.write("set engine \(db.url)\n", to: "cqrc")
    let run = try runCQ(
      ["-c", "describe payouts", "-c", "payout by basis"],
      environment: ["CQRC": folder.url.appendingPathComponent("cqrc").path])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("table payouts: 7 rows in \(db.place)"), "\(run.stdout)")
    let memory = try runCQ(["--data", EngineErrorTests.small, "-c", "payout by basis"])
    #expect(run.stdout.hasSuffix(memory.stdout))
  }
}
