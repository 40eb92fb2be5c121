import CQEngine
import CQLanguage
import CQSimulator
import CQStorage
import Foundation

/// A failure while preparing benchmark inputs (never inside the timed part).
public struct FixtureError: Error, CustomStringConvertible {
  /// What went wrong, lower-case, no final period.
  public var description: String
}

/// A simulated data folder in a fresh temporary directory; `remove()` deletes it.
public struct SimulatedFolder: Sendable {
  /// The folder holding the CSV files.
  public let path: String
  /// The simulator's scale (scale 1 is 20,000 tracking rows, 10,000 posts).
  public let scale: Int

  /// Deletes the folder and everything in it.
  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}

/// A loaded data set with an engine over it, and the folder it came from.
public struct LoadedEngine: @unchecked Sendable {
  /// The engine over the loaded folder.
  public let engine: Engine
  /// The folder it was loaded from (remove it in teardown).
  public let folder: SimulatedFolder
}

/// Benchmark inputs: simulator output with a fixed seed, built outside the timed part.
public enum Fixtures {
  /// The simulator seed every benchmark uses.
  public static let seed: UInt64 = 42

  /// Writes a scale-`scale` simulated folder (seed 42) into a new temporary directory.
  ///
  /// - Complexity: O(*scale*) rows written.
  public static func simulate(scale: Int) throws -> SimulatedFolder {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-microbench-\(getpid())-\(UUID().uuidString)-scale\(scale)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    created.append(path)
    _ = try Simulator.write(SimulatorOptions(seed: seed, scale: scale), to: path, progress: nil)
    return SimulatedFolder(path: path, scale: scale)
  }

  /// Loads `folder` with the uncached loader path.
  ///
  /// Sets `CQ_NO_CACHE=1` for the process first, so a loader cache (when one exists) is
  /// bypassed and each load parses the CSV files.
  /// - Complexity: O(*n*) in the folder's bytes.
  public static func load(_ folder: SimulatedFolder) throws -> DataSet {
    disableLoaderCache()
    return try DataLoader.load(folder: folder.path)
  }

  /// Simulates a scale-`scale` folder, loads it and builds an `Engine` over it.
  public static func engine(scale: Int) throws -> LoadedEngine {
    let folder = try simulate(scale: scale)
    return LoadedEngine(engine: Engine(data: try load(folder)), folder: folder)
  }

  /// Parses `text`, which must be a single query statement.
  public static func query(_ text: String) throws -> QueryStmt {
    let parsed = Parser.parse(text)
    guard parsed.diagnostics.isEmpty, parsed.statements.count == 1,
      case .query(let query)? = parsed.statements.first?.stmt
    else {
      throw FixtureError(description: "not a single query: '\(text)'")
    }
    return query
  }

  /// Deletes every folder `simulate(scale:)` made in this process (benchmark teardown).
  public static func removeTemporaryFolders() {
    for path in created.removeAll() {
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  private static let created = PathList()

  /// Sets `CQ_NO_CACHE=1` in this process's environment.
  public static func disableLoaderCache() {
    setenv("CQ_NO_CACHE", "1", 1)
  }
}

/// The folders made so far, behind a lock (setup and teardown may run on different threads).
private final class PathList: @unchecked Sendable {
  private let lock = NSLock()
  private var paths: [String] = []

  func append(_ path: String) {
    lock.withLock { paths.append(path) }
  }

  func removeAll() -> [String] {
    lock.withLock {
      defer { paths = [] }
      return paths
    }
  }
}
