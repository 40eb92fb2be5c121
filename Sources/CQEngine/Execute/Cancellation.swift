import Synchronization

/// A request to stop one query, shared by the code that runs it and the code that may stop it.
///
/// Each statement runs under its own token (bound as ``current``), and the
/// executor reads only that token: cancelling one query never stops another that runs at the
/// same time, such as the background warm-up or a second engine in the same process. A query
/// that sees its token cancelled stops early and returns a partial result; its caller discards
/// it and says the query was cancelled. Nothing built from a partial result is kept.
public final class CancellationToken: Sendable {
  private let flag = Atomic<Bool>(false)
  private let followsInterrupt: Bool

  /// A token that only ``cancel()`` cancels.
  public convenience init() { self.init(followsInterrupt: false) }

  private init(followsInterrupt: Bool) { self.followsInterrupt = followsInterrupt }

  /// A token that Ctrl-C cancels too: made for each statement the user typed or ran.
  ///
  /// It clears any earlier Ctrl-C first, so a press that stopped the last statement does not
  /// stop this one.
  public static func forStatement() -> CancellationToken {
    Interrupt.clear()
    return CancellationToken(followsInterrupt: true)
  }

  /// Asks the query running under this token to stop; safe to call from any thread.
  public func cancel() { flag.store(true, ordering: .relaxed) }

  /// Whether the query should stop: ``cancel()`` was called, or Ctrl-C was pressed and this is a
  /// statement's token.
  public var isCancelled: Bool {
    flag.load(ordering: .relaxed) || (followsInterrupt && Interrupt.isPending)
  }

  /// A token nothing cancels: the one in force when no caller bound another.
  static let never = CancellationToken()

  /// The token of the query running on this thread.
  ///
  /// It is bound for the length of one query, and its loops read it; code that hands work to
  /// other threads reads it first and passes it on.
  @TaskLocal public static var current = CancellationToken.never
}

/// Ctrl-C as the signal handler records it: one process-wide flag, because a signal is
/// process-wide.
///
/// The handler only sets it (an atomic store, safe in a signal handler). Statements' tokens
/// (``CancellationToken/forStatement()``) read it; nothing else does.
public enum Interrupt {
  private static let pending = Atomic<Bool>(false)

  /// Records a Ctrl-C; safe to call from a signal handler.
  public static func raise() { pending.store(true, ordering: .relaxed) }

  /// Forgets a recorded Ctrl-C.
  public static func clear() { pending.store(false, ordering: .relaxed) }

  /// Whether Ctrl-C was pressed since the last ``clear()``.
  public static var isPending: Bool { pending.load(ordering: .relaxed) }
}
