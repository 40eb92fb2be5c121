import CQEngine
import CQLanguage
import CQRendering
import CQStorage

extension Session {
  func help(_ topic: String?) throws(SessionError) {
    guard let topic, !topic.isEmpty else {
      writeOut(Help.overview() + "\n")
      return
    }
    if let text = Help.topic(topic) {
      writeOut(text + "\n")
      return
    }
    // A metric or dimension name: describe it.
    if let engine,
      let d = try? engine.describe(NameRef(text: topic, range: Session.emptyRange), source: topic)
    {
      writeOut(text(of: d) + "\n")
      return
    }
    let guess = suggestion(for: topic, among: Help.topics + Help.aliases.keys.sorted())
    throw SessionError(
      message: "no help on '\(topic)'" + (guess.map { " (did you mean 'help \($0)'?)" } ?? "")
        + "; topics: \(Help.topics.joined(separator: ", "))",
      status: 3)
  }

  static let emptyRange: SourceRange = {
    let l = SourceLocation(line: 1, column: 1, offset: 0)
    return l..<l
  }()

  func tutorial() throws(SessionError) {
    guard let readLine else {
      throw SessionError(
        message: "'tutorial' is interactive: start 'cq' in a terminal and type 'tutorial'",
        status: 1)
    }
    let host = SessionTutorialHost(session: self, readLine: readLine)
    // The tutorial's steps follow each result on screen: no pager between them.
    pagingSuspended = true
    defer { pagingSuspended = false }
    Tutorial.run(host: host)
  }

  /// Names the shell completes: metrics, dimensions, tables, segments, settings, values.
  public var vocabulary: CompletionVocabulary {
    let engine = self.engine
    let values: [String: [String]] = {
      guard let engine else { return [:] }
      var v: [String: [String]] = [:]
      for d in engine.dimensionNames where !["day", "week", "month", "quarter", "year"].contains(d)
      {
        let all = engine.values(of: d)
        v[d] = all.count <= 50_000 ? all : Array(all.prefix(50_000))
      }
      return v
    }()
    return CompletionVocabulary(
      metrics: engine?.catalog.names ?? [], dimensions: engine?.dimensionNames ?? [],
      tables: engine?.data.tables.map(\.name) ?? [], segments: engine?.segmentNames ?? [],
      settings: Setting.all.map(\.name),
      // A name as written (`brands`, `date`) resolves as the binder resolves it.
      values: { name in CQEngine.Dimension.named(name).flatMap { values[$0.rawValue] } ?? [] })
  }
}

/// Lets the tutorial read lines and run statements through the session.
final class SessionTutorialHost: TutorialHost {
  let session: Session
  let reader: (String) -> String?

  init(session: Session, readLine: @escaping (String) -> String?) {
    self.session = session
    reader = readLine
  }

  func readLine(prompt: String) -> String? { reader(prompt) }

  var lastLineWasInterrupted: Bool { session.lastLineWasInterrupted() }

  func write(_ text: String) { session.writeOut(text) }

  func run(_ statement: String) -> [String]? {
    let before = session.lastResult
    session.lastResult = nil
    session.recordHistory?(statement)
    let status = session.execute(statement, fileName: nil)
    guard status == 0 else { return nil }
    guard let result = session.lastResult else {
      session.lastResult = before
      return []
    }
    return result.columns.map(\.name)
  }
}
