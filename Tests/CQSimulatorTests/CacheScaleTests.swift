import CQSimulator
import Foundation
import Testing

@testable import CQStorage

/// On a scale-2 simulated data set, the parallel (two-chunk) and cached load paths give
/// byte-identical data to the single-threaded, uncached one; a damaged or stale cache is
/// refused and rebuilt.
@Suite("DataCache at scale 2")
struct CacheScaleTests {
  @Test func parallelAndCachedLoadsEqualTheSequentialParse() throws {
    let (folder, _) = try simulate(seed: 1, scale: 2)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let cachePath = folder + "/.cq-cache/data.cqc"

    let sequential = try DataLoader.load(folder: folder, chunkThreshold: .max)
    #expect(sequential.tracking.rowCount == 40_000)
    #expect(sequential.posts.rowCount == 20_000)
    let chunked = try DataLoader.load(folder: folder, chunkThreshold: 0)
    #expect(chunked.firstDifference(from: sequential) == nil)

    // First `.use` parses and writes (6.8 MB of CSV is above the threshold), the next reads.
    let (written, writeReport) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(writeReport == CacheReport(wrote: true))
    #expect(written.firstDifference(from: sequential) == nil)
    let (cached, readReport) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(readReport == CacheReport(readFromCache: true))
    #expect(cached.firstDifference(from: sequential) == nil)
    // The default entry point reads it too (unless CQ_NO_CACHE is set for this run).
    #expect(try DataLoader.load(folder: folder).firstDifference(from: sequential) == nil)

    // A byte flipped in the middle of the file: refused, rebuilt, same data.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cachePath)))
    bytes[bytes.count / 2] ^= 0x01
    try Data(bytes).write(to: URL(fileURLWithPath: cachePath))
    let (afterFlip, flipReport) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(flipReport.rejected?.contains("checksum") == true, "\(flipReport)")
    #expect(flipReport.wrote)
    #expect(afterFlip.firstDifference(from: sequential) == nil)
    let rebuilt = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cachePath)))
    bytes[bytes.count / 2] ^= 0x01
    #expect(rebuilt == bytes, "the rebuilt cache is the original one")

    // Cut short: refused and rebuilt.
    try Data(bytes[0..<(bytes.count - 1000)]).write(to: URL(fileURLWithPath: cachePath))
    let (afterCut, cutReport) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(cutReport.rejected != nil && cutReport.wrote, "\(cutReport)")
    #expect(afterCut.firstDifference(from: sequential) == nil)

    // A row appended to a CSV: the cache is stale.
    let tracking = folder + "/tracking_data.csv"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: tracking))
    try handle.seekToEnd()
    try handle.write(
      contentsOf: Data(
        "instagram.com,Campaign_1,1,user_1,Whey Gold,MuscleBlaze,2025-05-01,1,10.00\n".utf8))
    try handle.close()
    let (appended, appendReport) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(appendReport.rejected == "'tracking_data.csv' changed")
    #expect(appended.tracking.rowCount == 40_001)
    let reparsed = try DataLoader.load(folder: folder, chunkThreshold: .max)
    #expect(appended.firstDifference(from: reparsed) == nil)
    let (again, againReport) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(againReport.readFromCache)
    #expect(again.firstDifference(from: reparsed) == nil)
  }
}
