import CQEngine
import CQLanguage
import CQRendering
import CQStorage
import Foundation

extension Session {
  /// Runs one statement; returns its exit status (0 on success).
  func run(_ node: StmtNode, source: String, fileName: String?) -> Int32 {
    let text = statementText(node, in: source)
    // The statement runs under a token of its own, which Ctrl-C (from now on) cancels.
    let cancellation = CancellationToken.forStatement()
    // `--timing`: a query times each of its runs itself; any other statement is timed once.
    let start = DispatchTime.now()
    defer {
      if options.timing, !node.stmt.isQuery {
        let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
        writeErr("timing query \(Session.formatMS(ms)) \(text)\n")
      }
    }
    // A report shows the statement over its result when it has no caption (without `> FILE`).
    reporting.statement = text
    do {
      let status = try CancellationToken.$current.withValue(cancellation) {
        try perform(node, text: text, source: source, fileName: fileName)
      }
      try checkStandardOutput()
      return status
    } catch let error as DiagnosticsError {
      reporting.lastFailure = error.diagnostics.first?.message
      report(error, fileName: fileName)
      return error.exitStatus
    } catch let error as SessionError {
      reporting.lastFailure = error.message
      if let fileName {
        // `FILE:LINE:COL: error: message`, then the statement with its mark, as for any error.
        let diagnostic = Diagnostic(
          id: "session", phase: .model, message: error.message, range: error.range ?? node.range)
        report(DiagnosticsError(diagnostics: [diagnostic], source: source), fileName: fileName)
      } else {
        writeErr("error: \(error.message)\n")
      }
      return error.status
    } catch {
      writeErr("error: \(error)\n")
      return 1
    }
  }

  /// Throws when writing standard output failed during the statement.
  ///
  /// After a full disk or an I/O error the statement's output is cut short, so it fails with
  /// status 4. Outside the shell the run stops there, even under `--continue`: what follows
  /// would land after a cut row.
  func checkStandardOutput() throws(SessionError) {
    guard let problem = takeOutputFailure() else { return }
    if !options.interactive { quitRequested = true }
    throw SessionError(message: "cannot write standard output: \(problem)", status: 4)
  }

  /// Runs one statement's work; returns its exit status, or throws its failure.
  private func perform(_ node: StmtNode, text: String, source: String, fileName: String?) throws
    -> Int32
  {
    switch node.stmt {
    case .clear:
      if options.interactive, options.stdoutIsTerminal { writeOut(Session.clearScreen) }
      return 0
    case .query(let q):
      return try runQuery(q, text: text, source: source, fileName: fileName)
    case .explain(let q):
      let engine = try requireEngine()
      try writeText(try engine.explain(q, source: source), redirect: q.redirect, what: "the plan")
    case .explainSQL(let q):
      try writeText(
        try requireEngine().explainSQL(q, source: source), redirect: q.redirect, what: "the SQL")
    case .explainPlan(let q):
      try writeText(
        try requireEngine().explainPlan(q, source: source), redirect: q.redirect, what: "the plan")
    case .refresh:
      try refreshDerivedTables()
    case .describe(let name):
      let engine = try requireEngine()
      writeText(try engine.describe(name, source: source))
    case .show(let target):
      if target == .settings {
        try show(settingsTable(), chart: nil, redirect: nil, text: text, reference: true)
      } else {
        try show(
          try requireEngine().show(target), chart: nil, redirect: nil, text: text, reference: true)
      }
    case .schema:
      try show(try requireEngine().schema(), chart: nil, redirect: nil, text: text, reference: true)
    case .sample(let table, let count, let condition, let redirect):
      try show(
        try requireEngine().sample(table, count: count ?? 10, where: condition, source: source),
        chart: nil,
        redirect: redirect, text: text)
    case .defineMetric(let name, let expr, let exprText):
      let engine = try requireEngine()
      let previous = engine.catalog.metric(named: name.text).flatMap {
        $0.isUserDefined ? $0.formulaText : nil
      }
      try engine.defineMetric(name, expr: expr, text: exprText, source: source)
      remember(text)
      if options.interactive {
        writeErr(Session.defined("metric", name.text, as: exprText, previously: previous))
      }
    case .use(let condition, let conditionText, let clear):
      let engine = try requireEngine()
      if condition == nil && !clear {
        writeOut(
          engine.sessionFilter.map { "use \($0)\n" }
            ?? "no session filter (set one with 'use CONDITION')\n")
      } else {
        try engine.use(condition, text: conditionText, source: source)
        remember(text)
        if options.interactive {
          writeErr(
            condition == nil
              ? "session filter cleared\n"
              : "every query now filters by \(conditionText) (until 'use none')\n")
        }
      }
    case .defineSegment(let name, let condition, let condText):
      let engine = try requireEngine()
      let previous = engine.segmentCondition(name.text)
      try engine.defineSegment(name, condition: condition, text: condText, source: source)
      remember(text)
      if options.interactive {
        writeErr(Session.defined("segment", name.text, as: condText, previously: previous))
      }
    case .set(let name, let value):
      try applySetting(name, value: value)
    case .last(let chart, let redirect):
      guard let last = lastResult else {
        throw SessionError(message: "no previous result yet; run a query first", status: 1)
      }
      try show(last, chart: chart, redirect: redirect, text: text, remember: false)
    case .load(let path):
      if let failure = loadData(folder: expand(path), quiet: false) {
        throw SessionError(message: failure, status: 4)
      }
    case .run(let path):
      let path = expand(path)
      return runScript(path, text: try scriptText(path))
    case .help(let topic):
      try help(topic)
    case .showParameters:
      try show(parametersTable(), chart: nil, redirect: nil, text: text)
    case .save(let path):
      try save(to: path)
    case .tutorial:
      try tutorial()
    case .quit:
      quitRequested = true
    }
    return 0
  }

  /// `defined segment 'big' = …`, or `redefined … (was …)` when the name had a definition.
  static func defined(_ kind: String, _ name: String, as text: String, previously: String?)
    -> String
  {
    guard let previously else { return "defined \(kind) '\(name)' = \(text)\n" }
    return "redefined \(kind) '\(name)' = \(text) (was \(previously))\n"
  }

  /// Whether a statement is `quit`, `exit` or `\q` (the shell keeps them out of history).
  public static func isQuit(_ statement: String) -> Bool {
    let word = statement.trimmingCharacters(in: .whitespacesAndNewlines)
      .trimmingCharacters(in: CharacterSet(charactersIn: ";")).lowercased()
    return ["quit", "exit", "\\q", "\\quit"].contains(word)
  }

  /// Home the cursor and erase the screen (what `clear` prints on a terminal).
  static let clearScreen = "\u{1B}[H\u{1B}[2J"

  func requireEngine() throws(SessionError) -> Engine {
    guard let engine else {
      throw SessionError(
        message: "no data loaded; load a folder with 'load DIR' (e.g. load data)", status: 4)
    }
    return engine
  }

  /// The session filter set with `use`, for the prompt (`cq[brand=MuscleBlaze]> `).
  public var sessionFilter: String? { engine?.sessionFilter }

  /// The prompt for a new statement: `cq> `, or `cq[FILTER]> ` under a session filter (cut to
  /// 40 characters).
  public var prompt: String {
    guard let filter = sessionFilter else { return "cq> " }
    let shown = filter.count > 40 ? String(filter.prefix(39)) + "…" : filter
    return "cq[\(shown)]> "
  }

  func remember(_ definition: String) {
    definitions.append(definition)
    generation += 1
  }

  func expand(_ path: String) -> String {
    path.hasPrefix("~") ? NSString(string: path).expandingTildeInPath : path
  }

  // MARK: - Queries

  func runQuery(_ q: QueryStmt, text: String, source: String, fileName: String?) throws -> Int32 {
    let engine = try requireEngine()
    var outcome: QueryOutcome?
    engine.settings.totals = settings.totals
    for _ in 0..<max(1, options.repeatCount) {
      let start = DispatchTime.now()
      Session.testDelay()
      outcome = try engine.run(q, source: source)
      if let result = outcome?.result,
        let violation = Engine.exactRangeViolation(in: result, query: q)
      {
        throw beyondExactRange(violation, source: source)
      }
      if CancellationToken.current.isCancelled {
        // The terminal echoed ^C on the statement's line: the message starts a line of its own.
        if options.interactive { writeErr("\n") }
        throw SessionError(message: "query cancelled", status: 1)
      }
      let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
      if options.timing { writeErr("timing query \(Session.formatMS(ms)) \(text)\n") }
      lastElapsedMS = ms
    }
    guard let outcome else { return 0 }
    try show(outcome.result, chart: q.chart, redirect: q.redirect, text: text)
    // Machine formats and files carry no footnotes: say how an estimate was made on stderr.
    // A document (Markdown, HTML, PDF) has them as notes under the result.
    if !writesDocument(redirect: q.redirect),
      settings.format.isMachineReadable || q.redirect != nil || options.outputFile != nil
    {
      let options = renderOptions(toTerminal: false)
      for note in outcome.notes {
        writeErr("note: \(ProseRenderer.render(note, options: options))\n")
      }
    }
    return 0
  }

  /// The data error for an answer beyond the range where cq's arithmetic is exact, its figures
  /// written as the session writes money and counts.
  func beyondExactRange(_ violation: ExactRangeViolation, source: String) -> DiagnosticsError {
    let reached: Prose =
      switch violation.format {
      case .money: "\(brief: .number(violation.value), .money)"
      case _ where violation.value.magnitude < 9e18: "\(count: Int64(violation.value))"
      default: "\(brief: .number(violation.value), .decimal)"
      }
    let message: Prose =
      "'\(violation.metric)' reaches about \(reached), beyond \(cell: violation.limit, violation.format), where cq's arithmetic on defined metrics stops being exact"
    let note: Prose =
      "sums of columns are exact up to \(cell: ExactRangeViolation.columnSumLimit, .money); scale the formula down (for example divide it by 1000000) to see its digits"
    let diagnostic = Diagnostic(
      id: "data.beyondExactRange", phase: .data, message: text(of: message), range: violation.range,
      notes: [Diagnostic.Note(message: text(of: note))])
    return DiagnosticsError(diagnostics: [diagnostic], source: source)
  }

  /// Shows a result: to a file (`> FILE`, `--output`), as a chart, or as the session format.
  ///
  /// A `reference` listing (`schema`, `show …`) is never cut on a terminal: every row is shown
  /// and long text wraps at word boundaries.
  func show(
    _ result: ResultSet, chart: ChartClause?, redirect: RedirectClause?, text: String,
    remember: Bool = true,
    reference: Bool = false
  ) throws {
    if remember {
      lastResult = result
      lastStatement = text
    }
    var shown = result
    if settings.totals, let totals = result.totals, result.rowCount > 0 {
      shown.append(totals, kind: .total)
    }
    var kind: ChartKind?
    if let chart {
      guard let known = chart.chartKind else {
        let guess = ChartKind.allCases.map(\.rawValue).first {
          $0.hasPrefix(String(chart.kind.key.prefix(2)))
        }
        throw SessionError(
          message: "unknown chart '\(chart.kind.text)'"
            + (guess.map { "; did you mean '\($0)'?" } ?? "")
            + "; charts: \(ChartKind.allCases.map(\.rawValue).joined(separator: ", "))", status: 3)
      }
      kind = known
    }
    reporting.statement = Session.withoutRedirect(text, redirect)
    // `> FILE` and `--output FILE` treat tables and charts alike (SPEC §9).
    if let redirect {
      try writeResult(
        shown, chart: kind, toFile: redirect.path, append: redirect.append, rows: result.rowCount)
      return
    }
    if let destination = reportDestination {
      try addToReport(kind.map { .chart($0, shown) } ?? .table(shown), destination: destination)
      return
    }
    if let file = options.outputFile {
      // The run's first result replaces the file; later ones are appended.
      try writeResult(
        shown, chart: kind, toFile: file, append: wroteOutputFile, rows: result.rowCount)
      wroteOutputFile = true
      return
    }
    if let kind {
      var opts = renderOptions(toTerminal: true)
      if opts.width == nil { opts.width = settings.width ?? 80 }
      let drawn = try chartChecked { () throws(ChartError) in
        try ChartRenderer.render(result, kind: kind, options: opts)
      }
      writePaged(drawn.hasSuffix("\n") ? drawn : drawn + "\n")
      return
    }
    var opts = renderOptions(toTerminal: options.stdoutIsTerminal)
    opts.wrapsText = reference
    // `--color always` (or `set color always`) colours a pipe too; files never.
    if !options.stdoutIsTerminal {
      opts.color = settings.colorMode == .always || options.forceColor
    }
    if settings.timer, settings.format == .table {
      opts.footer =
        "\(result.rowCount) row\(result.rowCount == 1 ? "" : "s") · \(Session.formatMS(lastElapsedMS)) ms"
    }
    if !options.stdoutIsTerminal, settings.format.isMachineReadable {
      // To a pipe or file, rows go out in chunks as they are written, never held as one text.
      var out = ChunkedOutput(write: writeOut)
      ResultRenderer.render(shown, format: settings.format, options: opts, to: &out)
      out.flush()
      return
    }
    var rendered = render(shown, options: opts)
    if !rendered.hasSuffix("\n"), !rendered.isEmpty { rendered += "\n" }
    writePaged(rendered)
  }

  /// Writes prose (explain, describe) as a table's cells read: money in the `set currency`
  /// symbol, numbers grouped as `set grouping` says, in ASCII under `--ascii`; to the screen,
  /// or to `> FILE` / `>> FILE` when the statement names one (a redirect is never dropped
  /// silently).
  func writeText(_ prose: Prose, redirect: RedirectClause?, what: String) throws {
    try writeText(text(of: prose), redirect: redirect, what: what)
  }

  /// Writes prose to the screen (or the report), as ``writeText(_:redirect:what:)`` renders it.
  func writeText(_ prose: Prose) { writeText(text(of: prose)) }

  /// `prose` as this session writes it (currency, grouping, ASCII).
  func text(of prose: Prose) -> String {
    ProseRenderer.render(prose, options: renderOptions(toTerminal: false))
  }

  /// Text for the screen, or for `> FILE` / `>> FILE` when the statement names one (a redirect
  /// is never dropped silently).
  func writeText(_ text: String, redirect: RedirectClause?, what: String) throws {
    guard let redirect else { return writeText(text) }
    try write(
      text.hasSuffix("\n") ? text : text + "\n", to: redirect.path, append: redirect.append,
      rows: 0, what: what)
  }

  func writeText(_ text: String) {
    if !options.interactive, let destination = reportDestination {
      do {
        try addToReport(.text(text), destination: destination)
        return
      } catch {}
    }
    // On a terminal, wrapped at word boundaries to its width; cq's marks in ASCII under --ascii.
    var text = renderOptions(toTerminal: false).marks(text)
    if options.stdoutIsTerminal, let width = settings.width ?? options.terminalWidth() {
      text = TextWrap.wrap(text, width: width)
    }
    writeOut(text + "\n")
  }

  /// Test hook: `CQ_TEST_QUERY_DELAY_MS=N` makes every query take at least N ms (stopping early
  /// on Ctrl-C), so the interactive tests can cancel a running query on small data.
  static func testDelay() {
    guard let text = ProcessInfo.processInfo.environment["CQ_TEST_QUERY_DELAY_MS"],
      let ms = Int(text), ms > 0
    else { return }
    let end = DispatchTime.now().uptimeNanoseconds + UInt64(ms) * 1_000_000
    let cancellation = CancellationToken.current
    while DispatchTime.now().uptimeNanoseconds < end, !cancellation.isCancelled { usleep(10_000) }
  }

  /// Writes `shown` to a file (`> FILE`, `>> FILE`, `--output`) in the format its extension
  /// names, replacing it or appending to it.
  ///
  /// Appending CSV or TSV under the same header as the file's last block adds rows only; under
  /// another header (other columns) it starts a new block with its own header after a blank
  /// line, so no row lands under the wrong column names. Appended tables (table, markdown) are
  /// kept apart by a blank line, or markdown would read them as one; JSON joins the array.
  func writeResult(_ shown: ResultSet, toFile path: String, append: Bool, rows: Int) throws {
    let target = expand(path)
    let format = OutputFormat(path: target) ?? settings.format
    let fileOptions = renderOptions(toTerminal: false)
    if !append, format.isMachineReadable {
      // Rows go to the file as they are written out, never held as one text.
      do {
        try AtomicFileWriter.stream(to: target) { out in
          ResultRenderer.render(shown, format: format, options: fileOptions, to: &out)
        }
      } catch {
        throw SessionError(message: error.description, status: 4)
      }
      if options.interactive || !options.stdoutIsTerminal {
        writeErr("wrote \(rows) row\(rows == 1 ? "" : "s") to \(path)\n")
      }
      return
    }
    var text =
      format == .table && settings.display == .vertical
      ? ResultRenderer.renderVertical(shown, options: fileOptions)
      : ResultRenderer.render(shown, format: format, options: fileOptions)
    if append {
      switch format {
      case .csv, .tsv:
        if let existing = Session.lastHeader(of: target) {
          let header = text.prefix { $0 != "\n" }
          text = existing == header ? String(text.dropFirst(header.count + 1)) : "\n" + text
        }
      case .markdown, .table:
        if Session.nonEmptyFile(target) { text = "\n" + text }
      case .json, .ndjson, .html, .pdf: break
      }
    }
    try write(text, to: path, append: append, rows: rows, json: format == .json)
  }

  static func nonEmptyFile(_ path: String) -> Bool {
    ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) > 0
  }

  /// The header of the last block of the CSV or TSV file at `path`: its first line, or the
  /// line after its last blank line (where an append with other columns started a block); nil
  /// when the file is missing or empty.
  static func lastHeader(of path: String) -> Substring? {
    guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
    let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    let lastBlock =
      text.range(of: "\n\n", options: .backwards).map { text[$0.upperBound...] } ?? text[...]
    return lastBlock.prefix { $0 != "\n" }
  }

  /// Writes a result to `path` atomically; a JSON array appended to a JSON array joins it.
  ///
  /// `verb` and `what` change the message on standard error (`appended 3 rows to FILE`).
  func write(
    _ text: String, to path: String, append: Bool, rows: Int, json: Bool = false,
    verb: String? = nil,
    what: String? = nil
  ) throws {
    do {
      try AtomicFileWriter.write(text, to: expand(path), append: append, joiningJSONArrays: json)
    } catch {
      throw SessionError(message: error.description, status: 4)
    }
    if options.interactive || !options.stdoutIsTerminal {
      writeErr(
        "\(verb ?? (append ? "appended" : "wrote")) \(what ?? "\(rows) row\(rows == 1 ? "" : "s")") to \(path)\n"
      )
    }
  }

  /// Whether this statement's result goes into a document (Markdown, HTML or PDF), which
  /// carries its caveats as notes.
  func writesDocument(redirect: RedirectClause?) -> Bool {
    if let redirect {
      return (try? fileFormat(redirect.path))?.isDocument ?? false
    }
    return reportDestination != nil
  }

  /// The statement as a document shows it: without its `> FILE` or `>> FILE`.
  static func withoutRedirect(_ text: String, _ redirect: RedirectClause?) -> String {
    guard redirect != nil, let mark = text.range(of: ">", options: .backwards) else { return text }
    var head = text[..<mark.lowerBound]
    if head.hasSuffix(">") { head = head.dropLast() }
    return head.trimmingCharacters(in: .whitespaces)
  }

  func renderOptions(toTerminal: Bool) -> RenderOptions {
    var o = RenderOptions()
    o.grouping = settings.grouping
    o.ascii = settings.ascii
    o.currencySymbol = settings.currency
    // Pure ASCII means no ₹ either.
    if settings.ascii, settings.currency == "₹" { o.currencySymbol = "Rs " }
    if toTerminal {
      o.width = settings.width ?? options.terminalWidth() ?? 100
      o.maxRows = settings.rows ?? RenderOptions.terminalDefaultMaxRows
      if o.maxRows == .max { o.maxRows = nil }
      switch settings.colorMode {
      case .always: o.color = true
      case .never: o.color = false
      case .auto: o.color = options.color
      }
    }
    return o
  }

  // MARK: - Scripts

  /// Runs the script at `path` (`-` reads standard input); returns the exit status of SPEC §2.
  public func runScript(_ path: String) -> Int32 {
    do {
      return runScript(path, text: try scriptText(path))
    } catch {
      writeErr("error: \(error.message)\n")
      return error.status
    }
  }

  /// The text of the script at `path` (`-` reads standard input).
  func scriptText(_ path: String) throws(SessionError) -> String {
    guard runDepth < 8 else {
      throw SessionError(
        message: "'run \(path)': scripts nested more than 8 deep (does a script run itself?)",
        status: 1)
    }
    if path == "-" {
      return String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw SessionError(
        message: "cannot read script '\(path)': no such file or not readable", status: 4)
    }
    guard let s = String(data: data, encoding: .utf8) else {
      throw SessionError(message: "script '\(path)' is not valid UTF-8", status: 4)
    }
    return s
  }

  func runScript(_ path: String, text: String) -> Int32 {
    if runDepth == 0 { noteScript(path, text: text) }
    runDepth += 1
    defer { runDepth -= 1 }
    return execute(text, fileName: path == "-" ? "<stdin>" : path)
  }
}

/// A failure outside the language: no data, a file that cannot be written, a bad setting.
struct SessionError: Error {
  var message: String
  var status: Int32
  /// The text the error is about (a setting's name or value); nil: the whole statement.
  var range: SourceRange? = nil
}

extension Stmt {
  /// Whether this is a query (`metrics by …`, `top N …`), which `--repeat` runs again.
  var isQuery: Bool {
    if case .query = self { return true }
    return false
  }
}

/// Text handed to `write` a mebibyte at a time (a large result to standard output).
struct ChunkedOutput: TextOutputStream {
  let sink: (String) -> Void
  private var buffer = ""

  init(write: @escaping (String) -> Void) { sink = write }

  mutating func write(_ string: String) {
    buffer += string
    if buffer.utf8.count >= 1 << 20 { flush() }
  }

  /// Hands on what is buffered.
  mutating func flush() {
    if !buffer.isEmpty { sink(buffer) }
    buffer = ""
  }
}
