import Synchronization

/// A process-wide request to stop the running query (Ctrl-C in the shell).
///
/// The executor's loops look at it every 64 Ki rows and stop early; the session then discards
/// the partial result and says the query was cancelled.
public enum Cancellation {
  static let flag = Atomic<Bool>(false)

  /// Asks the running query to stop. Safe to call from a signal handler.
  public static func request() { flag.store(true, ordering: .relaxed) }

  /// Clears the request before a new statement.
  public static func reset() { flag.store(false, ordering: .relaxed) }

  public static var isRequested: Bool { flag.load(ordering: .relaxed) }
}
