#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What to simulate: the seed and how many scale units.
///
/// Scale 1 is the seed dashboards' data set: 500 influencers, 10,000 posts and 20,000 tracking
/// rows between 2025-04-23 and 2025-07-22. Scale *K* multiplies the fact tables by *K*
/// (influencers by min(*K*, 20)), so scale 500 writes about 10 M tracking rows.
public struct SimulatorOptions: Sendable, Hashable {
  /// The seed: the same seed and scale give byte-identical files.
  public var seed: UInt64
  /// Scale units, at least 1.
  public var scale: Int
  /// Also write `store_orders.csv`: every tracked order plus organic orders from eight weeks
  /// before the first post, with a known lift (off by default).
  public var storeOrders: Bool

  /// The seed the bundled `data/` folder was generated with.
  public static let defaultSeed: UInt64 = 20_250_423

  /// The largest accepted scale (2 billion tracking rows).
  public static let maximumScale = 100_000

  /// Creates options.
  public init(
    seed: UInt64 = SimulatorOptions.defaultSeed, scale: Int = 1, storeOrders: Bool = false
  ) {
    self.seed = seed
    self.scale = scale
    self.storeOrders = storeOrders
  }

  /// Rows of `influencers.csv`: 500 × min(scale, 20).
  public var influencerCount: Int { 500 * min(max(scale, 1), 20) }
  /// Rows of `posts.csv`: 10,000 × scale.
  public var postCount: Int { Simulator.postsPerChunk * max(scale, 1) }
  /// Rows of `tracking_data.csv`: 20,000 × scale.
  public var trackingCount: Int { Simulator.trackingPerChunk * max(scale, 1) }
  /// Distinct possible buyers (`user_1` … `user_N`): 5,000 × scale.
  public var userCount: Int { 5_000 * max(scale, 1) }
}

/// What `Simulator.write` produced: one entry per file, in the order written.
public struct SimulatorSummary: Sendable, Hashable, CustomStringConvertible {
  /// One written file.
  public struct File: Sendable, Hashable {
    /// The file name, such as `posts.csv`.
    public var name: String
    /// Data rows (records), not counting the header.
    public var rows: Int
    /// Size in bytes.
    public var bytes: Int
  }

  /// The folder written to.
  public var folder: String
  /// The files, in the order written.
  public var files: [File]
  /// Files of an earlier run removed because they would not match this data set
  /// (`store_orders.csv` when this run has no `--store-orders`).
  public var removed: [String] = []

  /// The data rows of `name` (`"posts.csv"` or `"posts"`), or nil when no such file was written.
  public func rows(of name: String) -> Int? {
    files.first { $0.name == name || $0.name == name + ".csv" }?.rows
  }

  /// Bytes over all files.
  public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }

  /// A one-line summary: `influencers 500, posts 10000, ... rows (3.3 MB) to data`.
  public var description: String {
    let counts = files.map { "\($0.name.replacingSuffix(".csv")) \($0.rows)" }
    return
      "\(counts.joined(separator: ", ")) rows (\(Simulator.formatBytes(totalBytes))) to \(folder)"
  }
}

extension String {
  fileprivate func replacingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}

/// Writes a believable, deterministic influencer-campaign data set (SPEC §7).
///
/// The five files follow SPEC §1: `influencers.csv`, `posts.csv`, `tracking_data.csv`,
/// `payouts.csv` and `products.csv`; with `storeOrders` a sixth, `store_orders.csv`. Posts and tracking rows are generated in fixed chunks of
/// 10,000 posts and the 20,000 tracking rows those posts drive; every chunk draws from its own
/// SplitMix64 stream (seed × table × chunk), so memory stays bounded and the output does not
/// depend on how the work is scheduled.
///
/// ```
/// cq simulate --seed 20250423 --scale 1 --out data
/// ```
///
/// ## Topics
/// - ``write(_:to:progress:)``
public enum Simulator {
  static let postsPerChunk = 10_000
  static let trackingPerChunk = 20_000
  /// Days in the window 2025-04-23 … 2025-07-22.
  static let dayCount = 91
  static let lastDay = dayCount - 1

  /// Stream identifiers mixed into the seed, one per table or purpose.
  enum Stream {
    static let influencers: UInt64 = 1
    static let posts: UInt64 = 2
    static let tracking: UInt64 = 3
    static let payouts: UInt64 = 4
    static let urls: UInt64 = 5
    static let layout: UInt64 = 6
    static let storeOrders: UInt64 = 7
    static let storeDays: UInt64 = 8
  }

  /// The true incremental store revenue per rupee of tracked revenue in `store_orders.csv`:
  /// 1 + ₹0.35 of untracked halo − ₹0.15 that would have been bought anyway.
  ///
  /// The expected lift of a promoted brand on a day is this factor × its tracked revenue that
  /// day; tests check that `lift_revenue` recovers it.
  public static var trueLiftPerTrackedRupee: Double {
    Double(100 + Generator.haloPercent - Generator.cannibalisedPercent) / 100
  }

  /// Writes the data set for `options` into `folder`, creating it if needed.
  ///
  /// - Parameters:
  ///   - options: seed and scale.
  ///   - folder: the output folder; existing files of the same names are replaced.
  ///   - progress: called now and then with the fraction done (0...1) and a short label.
  /// - Returns: rows and bytes per file.
  /// - Throws: `SimulatorError` (`.invalidScale`, `.cannotCreateFolder`, `.cannotWrite`).
  /// - Complexity: O(*p* log *c* + *t* log *p*) time for *p* posts and *t* tracking rows with
  ///   chunks of *c* rows; memory O(*i*) for *i* influencers plus one chunk, whatever the scale.
  public static func write(
    _ options: SimulatorOptions, to folder: String, progress: ((Double, String) -> Void)?
  ) throws -> SimulatorSummary {
    guard options.scale >= 1, options.scale <= SimulatorOptions.maximumScale else {
      throw SimulatorError(
        .invalidScale,
        reason:
          "expected a whole number from 1 to \(SimulatorOptions.maximumScale), "
          + "found \(options.scale)"
      )
    }
    try createFolder(folder)
    var generator = Generator(options: options)
    return try generator.run(folder: folder, progress: progress)
  }

  /// Creates `folder` and its parents, failing unless it ends up a writable directory.
  static func createFolder(_ folder: String) throws {
    guard !folder.isEmpty else {
      throw SimulatorError(.cannotCreateFolder, path: folder, reason: "empty path")
    }
    var path = ""
    let absolute = folder.hasPrefix("/")
    let parts = folder.split(separator: "/", omittingEmptySubsequences: true)
    for part in parts {
      path += (path.isEmpty && !absolute) ? String(part) : "/" + part
      var info = stat()
      if stat(path, &info) == 0 {
        if (info.st_mode & S_IFMT) != S_IFDIR {
          throw SimulatorError(
            .cannotCreateFolder, path: folder, reason: "'\(path)' is not a folder")
        }
        continue
      }
      if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw SimulatorError(
          .cannotCreateFolder, path: folder, reason: String(cString: strerror(errno)))
      }
    }
    if access(folder, W_OK | X_OK) != 0 {
      throw SimulatorError(
        .cannotCreateFolder, path: folder, reason: String(cString: strerror(errno)))
    }
  }

  /// `3.1 MB`-style sizes for summaries (decimal units, integer arithmetic).
  static func formatBytes(_ bytes: Int) -> String {
    if bytes < 1000 { return "\(bytes) B" }
    let units = ["KB", "MB", "GB", "TB"]
    var divisor = 1000
    var unit = 0
    while unit < units.count - 1, bytes / divisor >= 1000 {
      divisor *= 1000
      unit += 1
    }
    let tenths = bytes / (divisor / 10)
    return "\(tenths / 10).\(tenths % 10) \(units[unit])"
  }

  /// ISO dates of the window, `2025-04-23` for day 0.
  static let dates: [[UInt8]] = {
    let monthDays = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    var (year, month, day) = (2025, 4, 23)
    var out: [[UInt8]] = []
    for _ in 0..<dayCount {
      let text =
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
      out.append(Array(text.utf8))
      day += 1
      if day > monthDays[month] {
        day = 1
        month += 1
        if month > 12 {
          month = 1
          year += 1
        }
      }
    }
    return out
  }()
}
