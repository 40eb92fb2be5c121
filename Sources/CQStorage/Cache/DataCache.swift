import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether a load may read or write the binary cache beside the data (`FOLDER/.cq-cache/`).
///
/// The cache holds the loaded columns, dictionaries and load notes, so a second start on the
/// same folder skips CSV parsing. It is trusted only when every source CSV still has the size,
/// modification time and first/last-64 KiB hash it was built from (and an optional file that
/// was absent still is), and when its version and checksums are right; otherwise it is rebuilt.
/// The environment variable `CQ_NO_CACHE=1` makes `DataLoader.load(folder:)` use `.ignore`.
public enum CachePolicy: Sendable, Hashable {
  /// Read a valid cache; otherwise parse the CSV files and write one (best effort).
  case use
  /// Parse the CSV files; neither read nor write a cache.
  case ignore
  /// Parse the CSV files and write a fresh cache, whatever is there.
  case rebuild

  /// `.ignore` when the environment sets `CQ_NO_CACHE` to anything but empty or `0`, else
  /// `.use`.
  public static var fromEnvironment: CachePolicy {
    forNoCacheVariable(getenv("CQ_NO_CACHE").map { String(cString: $0) })
  }

  /// The policy for a value of `CQ_NO_CACHE` (nil when unset).
  static func forNoCacheVariable(_ value: String?) -> CachePolicy {
    guard let value, !value.isEmpty, value != "0" else { return .use }
    return .ignore
  }
}

/// What a load did with the cache (for `--timing`-style reports and tests).
public struct CacheReport: Sendable, Hashable {
  /// The data came from the cache; no CSV was parsed.
  public var readFromCache: Bool
  /// Why an existing cache file was refused (changed source, corrupt, other version), if one was.
  public var rejected: String?
  /// A new cache file was written.
  public var wrote: Bool
  /// Why no cache was written after parsing, if none was (policy, small data, unwritable folder).
  public var notWritten: String?

  /// Creates a report; by default nothing was read, refused or written.
  public init(
    readFromCache: Bool = false, rejected: String? = nil, wrote: Bool = false,
    notWritten: String? = nil
  ) {
    self.readFromCache = readFromCache
    self.rejected = rejected
    self.wrote = wrote
    self.notWritten = notWritten
  }
}

/// The binary columnar cache of a data folder: `FOLDER/.cq-cache/data.cqc`.
///
/// Layout (all integers little-endian):
/// - header, 64 bytes (`CacheHeader`): magic `CQCACHE\0`, format version (u32), byte-order
///   mark (u32), file length, table-of-contents offset, length and hash (u64 each), a hash of
///   these 48 bytes, 8 zero bytes;
/// - blocks, back to back: raw column arrays (`Int32` codes and days, `Int64` numbers, text
///   bytes and `Int64` offsets) and each dictionary as one UTF-8 blob plus `UInt32` offsets.
///   A block of `mappedBlockMinimum` bytes or more starts at the offset within a page where a
///   fresh array's first element falls, so the reader can map its pages straight into the
///   array; the few padding bytes before it are never read;
/// - table of contents, at the end (`CacheContents`): source fingerprints, load notes,
///   dictionaries and tables, each block as (offset, byte count, hash).
///
/// Every block is hashed with `CacheHash` as it is read, 256 KiB at a time while the bytes are
/// in the CPU cache, and its values checked (codes below their dictionary's size, offsets
/// rising to the byte count), so a corrupt byte is caught before the data is used.
enum DataCache {
  /// Bump whenever the layout or the meaning of any stored value changes.
  // 5: number columns whose total overflows are refused; 6: records may end in a bare CR;
  // 7: invisible characters at the ends of values are dropped, a second header row refused
  static let formatVersion: UInt32 = 7
  static let folderName = ".cq-cache"
  static let fileName = "data.cqc"
  /// Source files whose total size is below this are not worth a cache under `.use` (parsing
  /// them takes about as long as reading one); `.rebuild` writes one anyway.
  static let minimumSourceBytes = 1 << 20

  /// Every file the loader may read, in a fixed order.
  static let sourceNames = [
    TableSchema.influencers, .posts, .tracking, .payouts, .products, .storeOrders,
  ].map(\.fileName)

  static func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  static func cachePath(_ folder: String) -> String {
    join(join(folder, folderName), fileName)
  }

  /// The fingerprints of every source file, or nil when one cannot be read.
  static func fingerprints(_ folder: String) -> [SourceFingerprint]? {
    var result: [SourceFingerprint] = []
    for name in sourceNames {
      guard let f = SourceFingerprint.take(folder: folder, name: name) else { return nil }
      result.append(f)
    }
    return result
  }

  /// Loads `folder` under `policy`, from a valid cache or by `parse`.
  ///
  /// After `parse` a cache is written. Cache trouble never fails the load; only `parse`
  /// throws.
  ///
  /// - Complexity: reading a cache is O(*n*) in its bytes at near memory bandwidth (two
  ///   threads), plus one `String` per dictionary value.
  static func load(
    folder: String, policy: CachePolicy, minimumSourceBytes: Int = DataCache.minimumSourceBytes,
    writer: CacheWriter? = nil, parse: () throws(LoadError) -> DataSet
  ) throws(LoadError) -> (data: DataSet, cache: CacheReport) {
    guard policy != .ignore else {
      return (try parse(), CacheReport(notWritten: "cache ignored"))
    }
    var report = CacheReport()
    // Taken before parsing: a file changed while it is parsed then fails the next check.
    let before = fingerprints(folder)
    if policy == .use, let before {
      switch read(folder: folder, fingerprints: before) {
      case .loaded(let data, _):
        report.readFromCache = true
        return (data, report)
      case .rejected(let reason): report.rejected = reason
      case .absent: break
      }
    }
    let data = try parse()
    guard let before else {
      report.notWritten = "a source file cannot be read"
      return (data, report)
    }
    let total = before.reduce(0) { $0 + $1.size }
    if policy == .use && report.rejected == nil && total < minimumSourceBytes {
      report.notWritten = "data smaller than \(minimumSourceBytes) bytes"
      return (data, report)
    }
    guard fingerprints(folder) == before else {
      report.notWritten = "a source file changed while it was loaded"
      return (data, report)
    }
    if let writer {
      writer.schedule { _ = write(data, fingerprints: before, folder: folder) }
      report.notWritten = "being written in the background"
      return (data, report)
    }
    switch write(data, fingerprints: before, folder: folder) {
    case .success: report.wrote = true
    case .failure(let why): report.notWritten = why.reason
    }
    return (data, report)
  }
}

/// Writes caches after the load returns, one at a time, so an interactive shell opens on
/// freshly parsed data without waiting for its cache (about 3 s for 0.7 GB at scale 500).
///
/// A writer's owner calls `wait()` before it exits, so no cache is left half-written; a load of
/// a folder whose cache is still being written waits for it too, through the same writer.
public final class CacheWriter: Sendable {
  private let queue = DispatchQueue(label: "cq.cache-writer", qos: .utility)
  private let group = DispatchGroup()
  /// Tests hold writes back until they signal it, to see the load return first.
  private let gate: DispatchSemaphore?

  /// Creates a writer that writes each cache as soon as its turn comes.
  public init() { gate = nil }

  init(holdingWritesUntil gate: DispatchSemaphore) { self.gate = gate }

  func schedule(_ work: @escaping @Sendable () -> Void) {
    queue.async(group: group) { [gate] in
      gate?.wait()
      work()
    }
  }

  /// Returns when every scheduled write has finished.
  public func wait() { group.wait() }
}
