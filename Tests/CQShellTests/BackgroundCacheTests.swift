import CQSimulator
import Foundation
import Testing

@testable import CQShell
@testable import CQStorage

/// The shell answers from freshly parsed data while the folder's cache is written behind it;
/// `finish()` (run when the shell exits) leaves a complete cache that the next start reads.
@Suite struct BackgroundCacheTests {
  @Test func theShellWritesTheCacheBehindItAndFinishWaitsForIt() throws {
    let dir = try TestDirectory()
    let folder = dir.file("data")
    // 3.4 MB: cached.
    _ = try Simulator.write(SimulatorOptions(seed: 5, scale: 1), to: folder, progress: nil)
    let cache = folder + "/.cq-cache/data.cqc"

    var options = SessionOptions()
    options.interactive = true
    options.format = .csv
    var out = ""
    let session = Session(options: options, out: { out += $0 }, err: { _ in })
    #expect(session.load(folder: folder))
    #expect(session.execute("revenue by brand", fileName: nil) == 0)
    session.finish()
    #expect(FileManager.default.fileExists(atPath: cache), "the cache is complete after finish()")
    // Derived columns (`derived-*`) are the engine's, written by queries and by the shell's
    // warm-up, which may still be running: only the columnar cache's files are counted.
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder + "/.cq-cache")
      .filter { !$0.hasPrefix("derived-") }
    #expect(leftovers == ["data.cqc"], "no temporary file is left: \(leftovers)")

    // The next load reads that cache and answers the same.
    let (_, report) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(report.readFromCache, "\(report)")
    var again = ""
    let second = Session(options: options, out: { again += $0 }, err: { _ in })
    #expect(second.load(folder: folder))
    #expect(second.execute("revenue by brand", fileName: nil) == 0)
    second.finish()
    #expect(again == out)
  }

  /// The load returns before its cache is written; the writer writes it after.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["CQ_NO_CACHE"] == nil))
  func theLoadReturnsBeforeTheCacheIsWritten() throws {
    let dir = try TestDirectory()
    let folder = dir.file("data")
    _ = try Simulator.write(SimulatorOptions(seed: 6, scale: 1), to: folder, progress: nil)
    let cache = folder + "/.cq-cache/data.cqc"
    let gate = DispatchSemaphore(value: 0)
    let writer = CacheWriter(holdingWritesUntil: gate)
    let data = try DataLoader.load(folder: folder, writingCacheWith: writer)
    #expect(data.tracking.rowCount > 0)
    #expect(!FileManager.default.fileExists(atPath: cache), "no cache yet: the write is held")
    gate.signal()
    writer.wait()
    #expect(FileManager.default.fileExists(atPath: cache), "written once let go")
    let (cached, report) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(report.readFromCache, "\(report)")
    #expect(cached.firstDifference(from: data) == nil)
  }
}
