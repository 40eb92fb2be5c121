import CQLanguage
import CQRendering
import Foundation

/// The startup file, `~/.cqrc` (or `$CQRC`): statements run when cq starts, after the data is
/// loaded and before the first statement (not with `--norc`).
///
/// ```
/// -- ~/.cqrc
/// define metric profit = revenue - payout
/// define segment mb_insta = brand=MuscleBlaze and platform=Instagram
/// set grouping indian
/// ```
extension Session {
  /// The startup file: `$CQRC` when set and not empty, else `~/.cqrc`; nil without a home.
  public static func startupFilePath(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String? {
    if let rc = environment["CQRC"], !rc.isEmpty { return rc }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home + "/.cqrc"
  }

  /// How the startup file is named in messages: `~/.cqrc`, or `$CQRC`'s path.
  static func startupFileName(environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String
  {
    if let rc = environment["CQRC"], !rc.isEmpty { return rc }
    return "~/.cqrc"
  }

  /// Runs the startup file if there is one.
  ///
  /// Its errors are reported (as `FILE:LINE:COL`) with a hint to start with `--norc`, and cq
  /// goes on. Its statements are not echoed (`--echo`).
  public func runStartupFile() {
    guard let rc = Session.startupFilePath(),
      let text = try? String(contentsOfFile: rc, encoding: .utf8)
    else { return }
    let echo = settings.echo
    settings.echo = false
    defer { settings.echo = echo || settings.echo }
    if execute(text, fileName: rc) != 0 {
      writeErr(
        "warning: \(Session.startupFileName()) had errors (above); start with --norc to skip it\n")
    }
  }

  // MARK: - save

  /// `save [FILE]`: writes the session's `define metric` and `define segment` statements, and
  /// the settings `set` changed from how this run started, to the startup file (or FILE), so
  /// the next session starts with them.
  ///
  /// A statement the file already has is skipped; a definition or setting the file has in
  /// another form is replaced where it stands; the rest is appended. The file is written
  /// atomically. Parameters (`set param`) and the session filter (`use`) are not saved.
  ///
  /// ```
  /// define metric profit = revenue - payout
  /// set grouping indian
  /// save                      -- appends both to ~/.cqrc
  /// ```
  func save(to path: String?) throws(SessionError) {
    guard let target = path.map(expand) ?? Session.startupFilePath() else {
      throw SessionError(
        message: "'save' needs a home folder (HOME) or CQRC, or a file: save FILE", status: 4)
    }
    let shown = path ?? Session.startupFileName()
    var existing = ""
    if FileManager.default.fileExists(atPath: target) {
      guard let data = FileManager.default.contents(atPath: target) else {
        throw SessionError(message: "cannot read '\(shown)': not readable", status: 4)
      }
      existing = String(decoding: data, as: UTF8.self)
    }
    // What the file says now, by key (`metric profit`, `set grouping`): the last one counts.
    var present: [String: (range: Range<Int>, text: String)] = [:]
    for parsed in Parser.parseStatements(existing) {
      guard let node = parsed.node, let key = Session.saveKey(node.stmt) else { continue }
      let range = parsed.range.lowerBound.offset..<parsed.range.upperBound.offset
      present[key] = (range, Session.normalized(statementText(node, in: existing)))
    }
    let wanted = statementsToSave(alsoSettings: Set(present.keys))
    guard !wanted.isEmpty else {
      writeErr(
        "nothing to save: no 'define metric', 'define segment' or changed setting in this session\n"
      )
      return
    }
    var bytes = Array(existing.utf8)
    var replacements: [(range: Range<Int>, text: String)] = []
    var appended: [String] = []
    var kept = 0
    for (key, text) in wanted {
      if let there = present[key] {
        if there.text == Session.normalized(text) {
          kept += 1
        } else {
          replacements.append((there.range, text))
        }
      } else {
        appended.append(text)
      }
    }
    guard !replacements.isEmpty || !appended.isEmpty else {
      writeErr(
        "nothing new to save: \(shown) already has the session's \(kept) statement\(kept == 1 ? "" : "s")\n"
      )
      return
    }
    for r in replacements.sorted(by: { $0.range.lowerBound > $1.range.lowerBound }) {
      bytes.replaceSubrange(r.range, with: Array(r.text.utf8))
    }
    var text = String(decoding: bytes, as: UTF8.self)
    if text.isEmpty {
      text = "-- cq startup file: run when cq starts (cq --norc skips it); 'save' adds to it\n"
    } else if !text.hasSuffix("\n") {
      text += "\n"
    }
    text += appended.map { $0 + "\n" }.joined()
    do {
      try AtomicFileWriter.write(text, to: target, append: false)
    } catch {
      throw SessionError(message: error.description, status: 4)
    }
    var parts: [String] = []
    if !appended.isEmpty { parts.append("added \(appended.count) (\(Session.summary(appended)))") }
    if !replacements.isEmpty {
      parts.append("updated \(replacements.count) (\(Session.summary(replacements.map(\.text))))")
    }
    if kept > 0 { parts.append("\(kept) already there") }
    writeErr("saved to \(shown): " + parts.joined(separator: "; ") + "\n")
  }

  /// The statements `save` writes, each with its key: the last definition of each name, in
  /// the order first defined, then `set NAME VALUE` for each setting that differs from the
  /// run's start or whose key (`set grouping`) is in `alsoSettings` (the file sets it).
  func statementsToSave(alsoSettings: Set<String> = []) -> [(key: String, text: String)] {
    var result: [(key: String, text: String)] = []
    for definition in definitions {
      guard let node = Parser.parseStatements(definition).first?.node,
        let key = Session.saveKey(node.stmt)
      else { continue }
      let text = Session.normalized(definition)
      if let i = result.firstIndex(where: { $0.key == key }) {
        result[i].text = text
      } else {
        result.append((key, text))
      }
    }
    let start = Session(options: options, out: { _ in }, err: { _ in })
    for setting in Setting.all.map(\.name) where setting != "param" {
      let now = settingValue(setting)
      guard now != start.settingValue(setting) || alsoSettings.contains("set " + setting) else {
        continue
      }
      let value = setting == "currency" ? Session.spelled(now) : now
      result.append(("set " + setting, "set \(setting) \(value)"))
    }
    return result
  }

  /// `metric profit`, `segment mb`, `set grouping`: what a saved statement replaces.
  static func saveKey(_ stmt: Stmt) -> String? {
    switch stmt {
    case .defineMetric(let name, _, _): "metric " + name.key
    case .defineSegment(let name, _, _): "segment " + name.key
    case .set(let name, let value) where value != nil && name.key != "param": "set " + name.key
    default: nil
    }
  }

  /// A statement on one line with single spaces (continuation lines joined).
  static func normalized(_ statement: String) -> String {
    statement.replacingOccurrences(of: "\\\n", with: " ")
      .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(
        separator: " ")
  }

  /// `define metric profit, set grouping indian`: saved statements named briefly.
  static func summary(_ statements: [String]) -> String {
    statements.map { text in
      let words = text.split(separator: " ")
      return words.first == "define" ? words.prefix(3).joined(separator: " ") : text
    }.joined(separator: ", ")
  }
}
