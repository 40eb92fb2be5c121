/// A simulator failure: bad options or a folder or file that cannot be written.
///
/// Matches by code in a `catch` clause:
/// ```swift
/// do { try Simulator.write(options, to: dir, progress: nil) }
/// catch SimulatorError.cannotCreateFolder { ... }
/// ```
public struct SimulatorError: Error, Sendable, CustomStringConvertible {
  /// What went wrong.
  public enum Code: String, Sendable {
    /// `--scale` below 1 or too large to count.
    case invalidScale
    /// The output folder could not be created (or is a file).
    case cannotCreateFolder
    /// A file in the output folder could not be created or written.
    case cannotWrite
  }

  /// Options that cannot be simulated.
  public static let invalidScale = Code.invalidScale
  /// The output folder cannot be created.
  public static let cannotCreateFolder = Code.cannotCreateFolder
  /// An output file cannot be written.
  public static let cannotWrite = Code.cannotWrite

  /// What went wrong.
  public var code: Code
  /// The folder or file concerned (empty for option errors).
  public var path: String
  /// The system's reason or the offending value.
  public var reason: String

  /// Creates an error.
  public init(_ code: Code, path: String = "", reason: String) {
    self.code = code
    self.path = path
    self.reason = reason
  }

  /// A lower-case message without a final period.
  ///
  /// For example `cannot write 'out/posts.csv': Permission denied`.
  public var description: String {
    switch code {
    case .invalidScale: "invalid scale: \(reason)"
    case .cannotCreateFolder: "cannot create folder '\(path)': \(reason)"
    case .cannotWrite: "cannot write '\(path)': \(reason)"
    }
  }
}

extension SimulatorError.Code {
  /// Lets `catch SimulatorError.cannotWrite` match any `SimulatorError` with that code.
  public static func ~= (code: Self, error: any Error) -> Bool {
    (error as? SimulatorError)?.code == code
  }
}
