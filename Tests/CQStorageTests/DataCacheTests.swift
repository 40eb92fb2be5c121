import Foundation
import Testing

@testable import CQStorage

/// The binary cache beside the data: a cached load must equal a parsed one byte for byte, and a
/// cache that is stale, corrupt, short or of another version must be refused and rebuilt.
@Suite("DataCache")
struct DataCacheTests {
  /// Every fixture folder, laid out in a temporary folder as the loader tests do.
  static let storageFixtures: [String] = ChunkedLoadTests.fixtureFolders

  /// The engine's fixture folders (`Tests/CQEngineTests/Fixtures/`).
  static let engineFixtureRoot = Fixtures.root.deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("CQEngineTests/Fixtures")
  static let engineFixtures: [String] = {
    (try? FileManager.default.contentsOfDirectory(atPath: engineFixtureRoot.path))?.filter {
      !$0.hasPrefix(".")
    }.sorted() ?? []
  }()

  static func storageFolder(_ fixture: String) throws -> String {
    try Fixtures.folder(
      fixture == "valid" ? nil : fixture, base: fixture.hasPrefix("valid-") ? fixture : "valid")
  }

  /// A temporary copy of an engine fixture folder's CSV files.
  static func engineFolder(_ fixture: String) throws -> String {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("cq-cache-\(UUID().uuidString)")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    let from = engineFixtureRoot.appendingPathComponent(fixture)
    for file in try fm.contentsOfDirectory(atPath: from.path) where file.hasSuffix(".csv") {
      try fm.copyItem(at: from.appendingPathComponent(file), to: dir.appendingPathComponent(file))
    }
    return dir.path
  }

  static func cacheFile(_ folder: String) -> String { DataCache.cachePath(folder) }

  static func load(
    _ folder: String, _ policy: CachePolicy
  ) throws(LoadError) -> (
    DataSet, CacheReport
  ) {
    try DataLoader.loadReportingCache(folder: folder, cache: policy, minimumSourceBytes: 0)
  }

  /// Parses `folder` without the cache, writes the cache, reads it back and compares.
  func expectCachedLoadMatches(
    _ folder: String, sourceLocation: SourceLocation = #_sourceLocation
  )
    throws
  {
    let plain: DataSet
    do {
      plain = try DataLoader.load(folder: folder, cache: .ignore)
    } catch {
      // A folder that does not load must fail the same way through the cache, writing nothing.
      let viaCache = Result { () throws(LoadError) in try Self.load(folder, .use) }
      guard case .failure(let cachedError) = viaCache else {
        Issue.record("loaded through the cache but not without it", sourceLocation: sourceLocation)
        return
      }
      #expect(cachedError.description == error.description, sourceLocation: sourceLocation)
      #expect(
        !FileManager.default.fileExists(atPath: Self.cacheFile(folder)),
        sourceLocation: sourceLocation)
      return
    }
    #expect(
      !FileManager.default.fileExists(atPath: Self.cacheFile(folder)),
      sourceLocation: sourceLocation)
    let (written, writeReport) = try Self.load(folder, .use)
    #expect(writeReport == CacheReport(wrote: true), sourceLocation: sourceLocation)
    #expect(written.firstDifference(from: plain) == nil, sourceLocation: sourceLocation)
    let (cached, readReport) = try Self.load(folder, .use)
    #expect(readReport == CacheReport(readFromCache: true), sourceLocation: sourceLocation)
    #expect(cached.firstDifference(from: plain) == nil, sourceLocation: sourceLocation)
    #expect(cached.tables.map(\.rows) == plain.tables.map(\.rows), sourceLocation: sourceLocation)
  }

  @Test(arguments: storageFixtures)
  func storageFixtureLoadsTheSameFromTheCache(_ fixture: String) throws {
    let folder = try Self.storageFolder(fixture)
    defer { Fixtures.remove(folder) }
    try expectCachedLoadMatches(folder)
  }

  @Test(arguments: engineFixtures)
  func engineFixtureLoadsTheSameFromTheCache(_ fixture: String) throws {
    let folder = try Self.engineFolder(fixture)
    defer { Fixtures.remove(folder) }
    try expectCachedLoadMatches(folder)
  }

  @Test func aCachedLoadKeepsOneDictionaryPerDomain() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    let (data, report) = try Self.load(folder, .use)
    #expect(report.readFromCache)
    func storage(_ table: Table, _ column: String) -> UInt {
      table.strings(column).dictionary.values.withUnsafeBufferPointer {
        UInt(bitPattern: $0.baseAddress)
      }
    }
    #expect(storage(data.tracking, "campaign") == storage(data.payouts, "campaign"))
    #expect(storage(data.tracking, "influencer_id") == storage(data.influencers, "id"))
    #expect(storage(data.posts, "influencer_id") == storage(data.payouts, "influencer_id"))
    #expect(storage(data.posts, "platform") == storage(data.influencers, "platform"))
    #expect(storage(data.influencers, "name") != storage(data.influencers, "id"))
    // Influencer ids keep codes 0..<n.
    #expect(
      Array(data.influencers.strings("id").codes) == Array(0..<Int32(data.influencers.rowCount)))
  }

  @Test func warningsSurviveTheCache() throws {
    for fixture in ["unknown-influencers", "extra-column", "unmapped-products"] {
      let folder = try Self.storageFolder(fixture)
      defer { Fixtures.remove(folder) }
      let plain = try DataLoader.load(folder: folder, cache: .ignore)
      _ = try Self.load(folder, .rebuild)
      let (cached, report) = try Self.load(folder, .use)
      #expect(report.readFromCache)
      #expect(!cached.warnings.isEmpty, "\(fixture)")
      #expect(cached.warnings == plain.warnings, "\(fixture)")
    }
  }

  /// The comparison the other tests rely on notices a changed value and lost sharing.
  @Test func firstDifferenceNoticesChanges() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"), cache: .ignore)
    #expect(data.firstDifference(from: data) == nil)
    var changed = data
    var revenue = changed.tracking.integers("revenue")
    revenue[0] += 1
    changed.tracking.columns["revenue"] = .money(revenue)
    #expect(changed.firstDifference(from: data) == "tracking_data.revenue: values differ")
    var unshared = data
    let (codes, dictionary) = data.payouts.strings("campaign")
    unshared.payouts.columns["campaign"] = .string(
      codes: codes, dictionary: StringDictionary(distinct: dictionary.values.map { $0 + "" }))
    #expect(unshared.firstDifference(from: data) == "dictionary sharing differs")
    var noted = data
    noted.warnings.append("x")
    #expect(noted.firstDifference(from: data) != nil)
  }

  // MARK: - Refusing a cache

  /// Writes a cache for a fresh copy of `valid`, damages it with `damage`, and checks the next
  /// load refuses it (with a reason containing `reason`), rebuilds it and returns the same data.
  func expectRefusedAndRebuilt(
    reason: String, sourceLocation: SourceLocation = #_sourceLocation,
    damage: (_ folder: String, _ bytes: inout [UInt8]) throws -> Void
  ) throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.cacheFile(folder))))
    try damage(folder, &bytes)
    try Data(bytes).write(to: URL(fileURLWithPath: Self.cacheFile(folder)))
    let plain = try DataLoader.load(folder: folder, cache: .ignore)
    let (data, report) = try Self.load(folder, .use)
    #expect(!report.readFromCache, sourceLocation: sourceLocation)
    #expect(report.rejected?.contains(reason) == true, "\(report)", sourceLocation: sourceLocation)
    #expect(report.wrote, sourceLocation: sourceLocation)
    #expect(data.firstDifference(from: plain) == nil, sourceLocation: sourceLocation)
    // The rebuilt cache is good again.
    let (again, againReport) = try Self.load(folder, .use)
    #expect(againReport.readFromCache, sourceLocation: sourceLocation)
    #expect(again.firstDifference(from: plain) == nil, sourceLocation: sourceLocation)
  }

  @Test func aFlippedByteInTheMiddleIsDetected() throws {
    try expectRefusedAndRebuilt(reason: "checksum") { _, bytes in
      // The middle of the column blocks (between the header and the table of contents).
      let contentsOffset = bytes[24..<32].enumerated().reduce(0) { $0 | Int($1.1) << (8 * $1.0) }
      #expect(contentsOffset > CacheHeader.size + 100)
      bytes[(CacheHeader.size + contentsOffset) / 2] ^= 0x20
    }
  }

  @Test func aTruncatedCacheIsDetected() throws {
    try expectRefusedAndRebuilt(reason: "bytes, expected") { _, bytes in
      bytes.removeLast(bytes.count / 3)
    }
  }

  @Test func anEmptyCacheIsDetected() throws {
    try expectRefusedAndRebuilt(reason: "short") { _, bytes in bytes = [] }
  }

  @Test func anotherFormatVersionIsRefused() throws {
    try expectRefusedAndRebuilt(reason: "format version") { _, bytes in
      bytes[8] &+= 1
    }
  }

  @Test func badMagicIsRefused() throws {
    try expectRefusedAndRebuilt(reason: "magic") { _, bytes in bytes[0] = UInt8(ascii: "X") }
  }

  @Test func aDamagedTableOfContentsIsDetected() throws {
    try expectRefusedAndRebuilt(reason: "table of contents") { _, bytes in
      bytes[bytes.count - 5] ^= 0x01
    }
  }

  /// A flipped byte anywhere (every header byte, every third byte after it) is refused.
  @Test func everyFlippedByteIsRefused() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    let path = Self.cacheFile(folder)
    let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    let fingerprints = try #require(DataCache.fingerprints(folder))
    guard case .loaded = DataCache.read(folder: folder, fingerprints: fingerprints) else {
      Issue.record("the undamaged cache is refused")
      return
    }
    var accepted: [Int] = []
    for i in Array(0..<CacheHeader.size)
      + Array(stride(from: CacheHeader.size, to: original.count, by: 3))
    {
      var bytes = original
      bytes[i] ^= 0x04
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      if case .rejected = DataCache.read(folder: folder, fingerprints: fingerprints) { continue }
      accepted.append(i)
    }
    #expect(accepted == [], "of \(original.count) bytes")
  }

  @Test func appendingARowInvalidatesTheCache() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let before = try DataLoader.load(folder: folder, cache: .ignore)
    _ = try Self.load(folder, .rebuild)
    let file = DataCache.join(folder, "tracking_data.csv")
    var text = try String(contentsOfFile: file, encoding: .utf8)
    let lastLine = try #require(text.split(separator: "\n").last)
    text += (text.hasSuffix("\n") ? "" : "\n") + lastLine + "\n"
    try text.write(toFile: file, atomically: false, encoding: .utf8)
    let (data, report) = try Self.load(folder, .use)
    #expect(report.rejected == "'tracking_data.csv' changed")
    #expect(data.tracking.rowCount == before.tracking.rowCount + 1)
    let plain = try DataLoader.load(folder: folder, cache: .ignore)
    #expect(data.firstDifference(from: plain) == nil)
  }

  @Test func touchingACSVInvalidatesTheCache() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    let file = DataCache.join(folder, "payouts.csv")
    let later = Date(timeIntervalSinceNow: 5)
    try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: file)
    let (_, report) = try Self.load(folder, .use)
    #expect(report.rejected == "'payouts.csv' changed")
    #expect(report.wrote)
  }

  @Test func sameSizeSameTimeEditIsCaughtByTheHash() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let file = DataCache.join(folder, "payouts.csv")
    _ = try Self.load(folder, .rebuild)
    let before = try #require(SourceFingerprint.take(folder: folder, name: "payouts.csv"))
    var info = stat()
    try #require(stat(file, &info) == 0)
    // Same length, one digit changed, the modification time put back to the nanosecond.
    var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
    let digit = try #require(bytes.lastIndex { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "8") })
    bytes[digit] += 1
    try Data(bytes).write(to: URL(fileURLWithPath: file))
    var times = [info.st_atim, info.st_mtim]
    try #require(utimensat(AT_FDCWD, file, &times, 0) == 0)
    let after = try #require(SourceFingerprint.take(folder: folder, name: "payouts.csv"))
    #expect(after.size == before.size)
    #expect(after.modifiedSeconds == before.modifiedSeconds)
    #expect(after.modifiedNanoseconds == before.modifiedNanoseconds)
    #expect(after.hash != before.hash)
    let (data, report) = try Self.load(folder, .use)
    #expect(report.rejected == "'payouts.csv' changed")
    #expect(data.firstDifference(from: try DataLoader.load(folder: folder, cache: .ignore)) == nil)
  }

  @Test func removingOrAddingAnOptionalFileInvalidatesTheCache() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let products = DataCache.join(folder, "products.csv")
    let saved = try Data(contentsOf: URL(fileURLWithPath: products))
    _ = try Self.load(folder, .rebuild)
    try FileManager.default.removeItem(atPath: products)
    let (without, removed) = try Self.load(folder, .use)
    #expect(removed.rejected == "'products.csv' was removed")
    #expect(without.products == nil)
    try saved.write(to: URL(fileURLWithPath: products))
    let (with, added) = try Self.load(folder, .use)
    #expect(added.rejected == "'products.csv' was added")
    #expect(with.products != nil)
  }

  @Test func aMissingRequiredFileStillFailsAfterCaching() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    try FileManager.default.removeItem(atPath: DataCache.join(folder, "posts.csv"))
    #expect(throws: LoadError.self) { try Self.load(folder, .use) }
  }

  // MARK: - Large blocks

  /// A block of 40 MiB is page-mapped from the file into its array, not copied: it reads back
  /// identical, is still checked (a flipped byte in it is refused), and writing to the array
  /// changes neither the file nor the next load.
  @Test func largeBlocksAreMappedAndChecked() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    var data = try DataLoader.load(folder: folder, cache: .ignore)
    let rows = data.posts.rowCount
    try #require(rows > 0)
    let perRow = (40 << 20) / rows + 1
    var text = TextColumn()
    for r in 0..<rows {
      let line = Array("caption \(r) ✨ ".utf8)
      for i in 0..<perRow { text.bytes.append(line[i % line.count]) }
      text.offsets.append(Int64(text.bytes.count))
    }
    data.posts.columns["caption"] = .text(text)
    let fingerprints = try #require(DataCache.fingerprints(folder))
    guard case .success = DataCache.write(data, fingerprints: fingerprints, folder: folder) else {
      Issue.record("cannot write the cache")
      return
    }
    guard
      case .loaded(var cached, let mappedBlocks) = DataCache.read(
        folder: folder, fingerprints: fingerprints)
    else {
      Issue.record("the cache is refused")
      return
    }
    #expect(mappedBlocks >= 1)
    #expect(cached.firstDifference(from: data) == nil)

    // Copy-on-write: changing the loaded bytes leaves the file alone.
    let path = Self.cacheFile(folder)
    let before = try Data(contentsOf: URL(fileURLWithPath: path))
    guard case .text(var loaded) = cached.posts.columns["caption"] else {
      Issue.record("no caption column")
      return
    }
    cached.posts.columns["caption"] = nil
    for i in stride(from: 0, to: loaded.bytes.count, by: 4096) {
      loaded.bytes[i] = UInt8(ascii: "#")
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    guard case .loaded(let again, _) = DataCache.read(folder: folder, fingerprints: fingerprints)
    else {
      Issue.record("the cache is refused after a write to a mapped array")
      return
    }
    #expect(again.firstDifference(from: data) == nil)

    // A flipped byte in the middle of the mapped block is caught.
    var bytes = [UInt8](before)
    bytes[bytes.count / 2] ^= 0x10
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    guard case .rejected(let reason) = DataCache.read(folder: folder, fingerprints: fingerprints)
    else {
      Issue.record("a corrupt mapped block is accepted")
      return
    }
    #expect(reason.contains("checksum"))
  }

  // MARK: - Policies and writing

  @Test func ignoreNeverReadsNorWrites() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let (_, report) = try Self.load(folder, .ignore)
    #expect(!report.wrote && !report.readFromCache)
    #expect(!FileManager.default.fileExists(atPath: DataCache.join(folder, DataCache.folderName)))
    // With a good cache present, `.ignore` still parses.
    _ = try Self.load(folder, .rebuild)
    let (_, second) = try Self.load(folder, .ignore)
    #expect(!second.readFromCache && !second.wrote)
  }

  @Test func smallDataGetsNoCacheUnlessRebuilt() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let (_, report) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(!report.wrote && report.notWritten != nil)
    #expect(!FileManager.default.fileExists(atPath: Self.cacheFile(folder)))
    let (_, rebuilt) = try DataLoader.loadReportingCache(folder: folder, cache: .rebuild)
    #expect(rebuilt.wrote)
    let (_, used) = try DataLoader.loadReportingCache(folder: folder, cache: .use)
    #expect(used.readFromCache)
  }

  @Test func rebuildReplacesAGoodCache() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    let (data, report) = try Self.load(folder, .rebuild)
    #expect(!report.readFromCache && report.wrote && report.rejected == nil)
    #expect(data.firstDifference(from: try DataLoader.load(folder: folder, cache: .ignore)) == nil)
  }

  @Test func abandonedTemporaryFilesAreRemoved() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let directory = DataCache.join(folder, DataCache.folderName)
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // No process has pid 2^22 + 1 (above Linux's maximum); our own pid is a live writer.
    let dead = DataCache.join(directory, "data.cqc.4194305.tmp")
    let live = DataCache.join(directory, "data.cqc.1.tmp")
    let other = DataCache.join(directory, "notes.txt")
    for path in [dead, live, other] { try Data("x".utf8).write(to: URL(fileURLWithPath: path)) }
    let (_, report) = try Self.load(folder, .rebuild)
    #expect(report.wrote)
    #expect(!FileManager.default.fileExists(atPath: dead))
    #expect(FileManager.default.fileExists(atPath: live))
    #expect(FileManager.default.fileExists(atPath: other))
    let left = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    #expect(left == ["data.cqc", "data.cqc.1.tmp", "notes.txt"])
  }

  @Test func aFileChangedDuringTheParseIsNotCached() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    let file = DataCache.join(folder, "payouts.csv")
    let (_, report) = try DataCache.load(folder: folder, policy: .use, minimumSourceBytes: 0) {
      () throws(LoadError) in
      let data = try DataLoader.load(folder: folder, cache: .ignore)
      try? FileManager.default.setAttributes(
        [.modificationDate: Date(timeIntervalSinceNow: 10)], ofItemAtPath: file)
      return data
    }
    #expect(report == CacheReport(notWritten: "a source file changed while it was loaded"))
    #expect(!FileManager.default.fileExists(atPath: Self.cacheFile(folder)))
  }

  @Test func anotherSpellingOfTheFolderNamesItsFiles() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    _ = try Self.load(folder, .rebuild)
    let slashed = folder + "/"
    let (cached, report) = try Self.load(slashed, .use)
    #expect(report.readFromCache)
    #expect(cached.folder == slashed)
    #expect(cached.tracking.path == slashed + "tracking_data.csv")
    #expect(
      cached.firstDifference(from: try DataLoader.load(folder: slashed, cache: .ignore)) == nil)
  }

  @Test func anUnwritableFolderStillLoads() throws {
    let folder = try Self.storageFolder("valid")
    defer { Fixtures.remove(folder) }
    // A file where the cache folder would go: nothing can be written (even as root).
    try Data("x".utf8).write(to: URL(fileURLWithPath: DataCache.join(folder, DataCache.folderName)))
    let (data, report) = try Self.load(folder, .use)
    #expect(!report.wrote && !report.readFromCache)
    #expect(report.notWritten?.contains("cannot create") == true, "\(report)")
    #expect(data.firstDifference(from: try DataLoader.load(folder: folder, cache: .ignore)) == nil)
  }

  /// Root ignores permissions, so this runs only for other users (the test above covers root).
  @Test(.enabled(if: geteuid() != 0)) func aReadOnlyFolderStillLoads() throws {
    let folder = try Self.storageFolder("valid")
    defer {
      chmod(folder, 0o755)
      Fixtures.remove(folder)
    }
    try #require(chmod(folder, 0o555) == 0)
    let (data, report) = try Self.load(folder, .use)
    #expect(!report.wrote && !report.readFromCache)
    #expect(data.firstDifference(from: try DataLoader.load(folder: folder, cache: .ignore)) == nil)
  }

  @Test func noCacheVariable() {
    #expect(CachePolicy.forNoCacheVariable(nil) == .use)
    #expect(CachePolicy.forNoCacheVariable("") == .use)
    #expect(CachePolicy.forNoCacheVariable("0") == .use)
    #expect(CachePolicy.forNoCacheVariable("1") == .ignore)
    #expect(CachePolicy.forNoCacheVariable("yes") == .ignore)
  }

  @Test func theHashStreamsInStripes() {
    let bytes = (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    bytes.withUnsafeBytes { raw in
      let whole = CacheHash.of(raw)
      // Any split at a multiple of 64 bytes gives the hash of the whole.
      for cut in [64, 320, 960, 1024, 1088, 1984] {
        var h = CacheHash()
        h.update(UnsafeRawBufferPointer(rebasing: raw[0..<cut]))
        h.update(UnsafeRawBufferPointer(rebasing: raw[cut...]))
        #expect(h.value == whole, "cut at \(cut)")
      }
      // Every single-bit flip changes it.
      var flips = 0
      let positions = [0, 7, 63, 64, 1023, 1024, 1500, 1983, 1984, 1999]
      for i in positions {
        for bit in 0..<8 {
          var copy = Array(raw)
          copy[i] ^= UInt8(1 << bit)
          if copy.withUnsafeBytes({ CacheHash.of($0) }) != whole { flips += 1 }
        }
      }
      #expect(flips == positions.count * 8)
      // Swapping two 64-byte stripes changes it.
      var swapped = Array(raw)
      for i in 0..<64 { swapped.swapAt(i, 64 + i) }
      #expect(swapped.withUnsafeBytes { CacheHash.of($0) } != whole)
      var flipped = Array(raw)
      flipped[1999] ^= 1
      #expect(flipped.withUnsafeBytes { CacheHash.of($0) } != whole)
      #expect(CacheHash.of(UnsafeRawBufferPointer(rebasing: raw[0..<1999])) != whole)
      #expect(CacheHash.of(raw, seed: 1) != whole)
    }
  }
}
