import CQPostgres
import CQTestSupport
import Foundation
import Testing

/// Ctrl-C while cq connects to a database: the catalogue read stops on the server, and cq says
/// "connect cancelled" and exits 130, instead of dying half-way or waiting on.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct ConnectCancelTests {
  @Test func ctrlCWhileConnectingCancelsOnTheServer() throws {
    let db = try ScratchDatabase()
    let load = try cqLoad(EngineErrorTests.small, into: db.url)
    #expect(load.status == 0, "\(load.stderr)")
    // Every table cq might read while connecting (its own schema's too) is locked, so the
    // connect waits on the server until it is cancelled.
    let holder = try PGConnection(url: db.url, applicationName: "cq-test-lock")
    try holder.query("BEGIN")
    let tables =
      try holder.query(
        """
        SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
        """
      ).rows.first?.first ?? nil
    let locked = try #require(tables)
    try holder.query("LOCK TABLE \(locked) IN ACCESS EXCLUSIVE MODE")
    defer { _ = try? holder.query("ROLLBACK") }

    let watcher = try PGConnection(url: db.url, applicationName: "cq-test-watcher")
    let process = Process()
    process.executableURL = TestPaths.cqBinary
    process.arguments = ["--engine", db.url, "-c", "revenue by brand"]
    let errors = Pipe()
    process.standardOutput = FileHandle.nullDevice
    process.standardError = errors
    try process.run()
    defer { if process.isRunning { process.terminate() } }
    let cq = "FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'cq'"
    let waiting = try BatchCancelTests.wait(
      for: "1", "SELECT count(*) \(cq) AND wait_event_type = 'Lock'", on: watcher, seconds: 60)
    try #require(waiting, "cq never waited on the locked tables while connecting")
    kill(process.processIdentifier, SIGINT)
    let end = Date().addingTimeInterval(20)
    while process.isRunning, Date() < end { usleep(50_000) }
    #expect(!process.isRunning, "cq still runs 20 s after Ctrl-C")
    if process.isRunning {
      process.terminate()
      process.waitUntilExit()
    }
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(stderr)")
    #expect(stderr.contains("connect cancelled"), "\(stderr)")
    // Nothing of cq's still waits or runs on the server.
    #expect(
      try BatchCancelTests.wait(
        for: "0", "SELECT count(*) \(cq) AND state = 'active'", on: watcher, seconds: 5))
  }
}
