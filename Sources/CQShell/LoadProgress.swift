import Dispatch

/// A "loading FOLDER … N s" line on a terminal while a load runs longer than half a second
/// (parsing a large folder from CSV takes seconds), cleared when the load ends.
///
/// Sendable by confinement: its only mutable state, `shown`, is touched only on `queue`.
final class LoadProgress: @unchecked Sendable {
  private let queue = DispatchQueue(label: "cq.load-progress")
  private let timer: DispatchSourceTimer
  private let write: (String) -> Void
  /// Touched only on `queue`.
  private var shown = false

  init(folder: String, write: @escaping (String) -> Void) {
    self.write = write
    timer = DispatchSource.makeTimerSource(queue: queue)
    let start = DispatchTime.now()
    timer.setEventHandler { [unowned self] in
      let tenths = (DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 100_000_000
      self.write("\rloading \(folder) … \(tenths / 10).\(tenths % 10) s")
      self.shown = true
    }
    timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(250))
    timer.resume()
  }

  /// Stops the ticker and clears its line, if it showed one.
  func finish() {
    timer.cancel()
    // A tick already running finishes first; none starts after the cancel.
    queue.sync {
      if shown { write("\r\u{1B}[K") }
    }
  }
}
