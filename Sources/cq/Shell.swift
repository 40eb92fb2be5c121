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
    let pending = PendingLines()
    let reader: LineReader = makeLineReader(
      history: history.entries, session: session, pending: pending)
    session.readLine = { reader.readLine(prompt: $0) }
    session.lastLineWasInterrupted = { reader.lastLineWasInterrupted }
    session.recordHistory = { statement in
      reader.addHistory(statement)
      if let w = history.add(statement) { Terminal.writeErr("warning: \(w)\n") }
    }
    Terminal.writeErr(banner())
    // Ctrl-C while a query runs stops it (libedit handles Ctrl-C while editing).
    signal(SIGINT) { _ in Interrupt.raise() }
    var buffer = "" {
      didSet { pending.text = buffer }
    }
    while !session.quitRequested {
      guard let line = reader.readLine(prompt: buffer.isEmpty ? session.prompt : "...> ") else {
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
      // `quit` is not worth recalling: Up then Enter would end the next session.
      if !Session.isQuit(statement) {
        reader.addHistory(statement)
        if let w = history.add(statement) { Terminal.writeErr("warning: \(w)\n") }
      }
      session.execute(statement, fileName: nil)
    }
    // `--output FILE.html` (or .md, .pdf) in the shell: the report is written on the way out.
    _ = session.finishReport(status: 0)
    session.finish()
  }

  func banner() -> String {
    var s = "cq — influencer campaign analytics\n"
    if let engine = session.engine, let folder = session.dataFolder {
      let d = engine.data
      let n = Session.grouped
      s +=
        "data: \(folder) — \(n(d.influencers.rowCount)) influencers, \(n(d.posts.rowCount)) posts, \(n(d.tracking.rowCount)) tracking rows, \(n(d.payouts.rowCount)) payouts\n"
      if let range = engine.dateRange { s += "dates: \(range.first) to \(range.last)\n" }
    } else {
      s += "no data loaded: 'load DIR' opens a folder of CSV files\n"
    }
    s += "type 'help' for examples, 'tutorial' for a guided tour, Ctrl-D to quit\n"
    return s
  }
}

/// The lines of a statement typed so far, before the continuation line being edited.
final class PendingLines {
  var text = ""
}

/// The line reader for a terminal (libedit when available).
///
/// Completion reads the statement's earlier lines too, so on a `...>` line `Grit<Tab>` after
/// `where brand in (MuscleBlaze,` completes a brand, as it would on one line.
func makeLineReader(history: [String], session: Session, pending: PendingLines) -> LineReader {
  guard let reader = EditLineReader(history: history) else { return PipedLineReader() }
  // The vocabulary (names and dimension values) is rebuilt when data or definitions change.
  nonisolated(unsafe) var cached: (key: String, vocabulary: CompletionVocabulary)?
  reader.completion = { line, cursor in
    let key = "\(session.generation)"
    if cached?.key != key { cached = (key, session.vocabulary) }
    let vocabulary = cached?.vocabulary ?? session.vocabulary
    let before = pending.text.isEmpty ? "" : pending.text + "\n"
    let offset = before.utf8.count
    var result = Completer.complete(
      line: before + line, cursor: offset + cursor, vocabulary: vocabulary,
      currentDirectory: FileManager.default.currentDirectoryPath)
    // Offsets back into the line being edited; a word that began on an earlier line is not
    // completed.
    guard result.replaceFrom >= offset else {
      return CompletionResult(replaceFrom: cursor, candidates: [])
    }
    result.replaceFrom -= offset
    return result
  }
  return reader
}
