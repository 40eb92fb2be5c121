import CQEngine
import CQLanguage
import CQShell
import Foundation

/// The interactive loop: banner, prompt, continuation lines, history, statements.
struct Shell {
  let session: Session

  func run() {
    let history = History(path: History.defaultPath())
    for w in history.warnings { Terminal.writeErr("warning: \(w)\n") }
    let reader: LineReader = makeLineReader(history: history.entries, session: session)
    session.readLine = { reader.readLine(prompt: $0) }
    session.recordHistory = { statement in
      reader.addHistory(statement)
      if let w = history.add(statement) { Terminal.writeErr("warning: \(w)\n") }
    }
    Terminal.writeErr(banner())
    // Ctrl-C while a query runs stops it (libedit handles Ctrl-C while editing).
    signal(SIGINT) { _ in Cancellation.request() }
    var buffer = ""
    while !session.quitRequested {
      guard let line = reader.readLine(prompt: buffer.isEmpty ? "cq> " : "...> ") else {
        Terminal.writeErr("\n")
        break
      }
      // Ctrl-C on a continuation line abandons the whole pending statement.
      if reader.lastLineWasInterrupted {
        buffer = ""
        continue
      }
      buffer += buffer.isEmpty ? line : "\n" + line
      if Parser.needsContinuation(buffer) { continue }
      let statement = buffer
      buffer = ""
      guard !statement.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
      reader.addHistory(statement)
      if let w = history.add(statement) { Terminal.writeErr("warning: \(w)\n") }
      session.execute(statement, fileName: nil)
    }
    session.finish()
  }

  func banner() -> String {
    var s = "cq — influencer campaign analytics\n"
    if let engine = session.engine, let folder = session.dataFolder {
      let d = engine.data
      let n = Session.grouped
      s += "data: \(folder) — \(n(d.influencers.rowCount)) influencers, \(n(d.posts.rowCount)) posts, \(n(d.tracking.rowCount)) tracking rows, \(n(d.payouts.rowCount)) payouts\n"
    } else {
      s += "no data loaded: 'load DIR' opens a folder of CSV files\n"
    }
    s += "type 'help' for examples, 'tutorial' for a guided tour, Ctrl-D to quit\n"
    return s
  }
}

/// The line reader for a terminal (libedit when available).
func makeLineReader(history: [String], session: Session) -> LineReader {
  guard let reader = EditLineReader(history: history) else { return PipedLineReader() }
  // The vocabulary (names and dimension values) is rebuilt when data or definitions change.
  nonisolated(unsafe) var cached: (key: String, vocabulary: CompletionVocabulary)?
  reader.completion = { line, cursor in
    let key = "\(session.generation)"
    if cached?.key != key { cached = (key, session.vocabulary) }
    return Completer.complete(
      line: line, cursor: cursor, vocabulary: cached!.vocabulary,
      currentDirectory: FileManager.default.currentDirectoryPath)
  }
  return reader
}
