import CQEngine
import CQPostgres
import Dispatch
import Foundation

extension Session {
  /// `--engine postgres://…` (SPEC §8): the session's statements run on a database.
  ///
  /// PostgreSQL or Citus. Writes the failure (host and database named, never a password) and returns
  /// false when the database cannot be used.
  public func connect(engine url: String, quiet: Bool = false) -> Bool {
    let start = DispatchTime.now()
    // Under a token Ctrl-C cancels, at start as in a `set engine` statement.
    let connecting = CancellationToken.$current.withValue(CancellationToken.forStatement()) {
      () -> Result<Engine, PGError> in
      do throws(PGError) {
        return .success(
          try Engine.connect(url: url) { step in
            if self.options.interactive, !quiet { self.writeErr("\(step)…\n") }
          })
      } catch {
        return .failure(error)
      }
    }
    let newEngine: Engine
    switch connecting {
    case .success(let connected): newEngine = connected
    case .failure(let error):
      connectCancelled = error.kind == .cancelled && error.message == "connect cancelled"
      writeErr(connectCancelled ? "\(error.message)\n" : "error: \(error.message)\n")
      return false
    }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    if let previous = engine { newEngine.settings = previous.settings }
    engine = newEngine
    dataFolder = newEngine.data.folder
    generation += 1
    for w in newEngine.data.warnings { writeErr("note: \(w)\n") }
    if options.timing { writeErr("timing load \(Session.formatMS(ms))\n") }
    let saved = definitions
    definitions = []
    for d in saved { _ = execute(d, fileName: nil) }
    if !quiet, options.interactive, let description = newEngine.engineDescription {
      writeErr("connected to \(description)\n")
    }
    return true
  }

  /// Whether `text` names a database engine rather than a data folder.
  public static func isEngineURL(_ text: String) -> Bool { PGURL.isPostgres(text) }
}

extension Session {
  /// `refresh`: rebuilds cq's derived tables (allocation shares, first purchases, order gaps)
  /// on the database; in memory there is nothing derived to rebuild (`load` reads files again).
  func refreshDerivedTables() throws(SessionError) {
    let engine = try requireEngine()
    guard let description = engine.engineDescription else {
      writeErr(
        "note: refresh rebuilds cq's derived tables on a database (--engine postgres://…); to read a data folder's files again, use 'load DIR'\n"
      )
      return
    }
    let start = DispatchTime.now()
    do {
      try engine.refresh { step in self.writeErr("\(step)…\n") }
    } catch {
      throw SessionError(message: error.message, status: 4)
    }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    writeErr("rebuilt cq's derived tables on \(description) in \(Session.formatMS(ms)) ms\n")
  }
}
