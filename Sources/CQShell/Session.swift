import CQEngine
import CQLanguage
import CQRendering
import CQStorage
import Foundation

/// How a session was started: where output goes and how it should look.
public struct SessionOptions: Sendable {
  /// A person at a terminal (prompt, banner, caret diagnostics, no exit on error).
  public var interactive = false
  /// Standard output is a terminal: tables may be cut to its width.
  public var stdoutIsTerminal = false
  /// Colour output (a terminal without `NO_COLOR`, or `--color always`).
  public var color = false
  /// `--color always`: colour even when standard output is not a terminal.
  public var forceColor = false
  /// `--ascii`: plain ASCII tables and charts.
  public var ascii = false
  /// `--format`: the output format results start with.
  public var format: OutputFormat = .table
  /// `--output FILE`: results of every query go to this file.
  public var outputFile: String?
  /// `--continue`: scripts go on after an error.
  public var continueOnError = false
  /// `--timing`: `timing load MS` / `timing query MS STATEMENT` on standard error.
  public var timing = false
  /// `--repeat N`: each query runs N times (timed each time).
  public var repeatCount = 1
  /// `--echo`: each statement of a script or `-c` is written before its result (`set echo`).
  public var echo = false
  /// The terminal's height in lines now, when standard output is a terminal.
  public var terminalHeight: @Sendable () -> Int? = { nil }
  /// The terminal's width now, when standard output is a terminal.
  public var terminalWidth: @Sendable () -> Int? = { nil }

  /// Options of a non-interactive session writing to a pipe.
  public init() {}
}

/// Settings changed with `set NAME VALUE` (SPEC §2, §5).
public struct SessionSettings: Sendable {
  /// `set format`.
  public var format: OutputFormat = .table
  /// `set width N`; nil follows the terminal.
  public var width: Int?
  /// `set rows N`; nil = the terminal default; `all` = `.max`.
  public var rows: Int?
  /// `set color auto | always | never`.
  public var colorMode: ColorMode = .auto
  /// `set grouping western | indian`.
  public var grouping: Grouping = .western
  /// `set totals on`: a totals row.
  public var totals = false
  /// `set timer on`: row count and time under each table.
  public var timer = false
  /// `set ascii on`: plain ASCII tables and charts.
  public var ascii = false
  /// `set currency`: the symbol before money in tables, charts and prose.
  public var currency = "₹"
  /// `set echo on` / `--echo`: each statement of a script or `-c` is written before its result.
  public var echo = false
  /// `set display table | vertical | auto`: tables as boxes or as `-[ RECORD n ]-` blocks.
  public var display: DisplayMode = .table
  /// `set pager auto | on | off`: results on a terminal through `$PAGER` (`less -SRF`).
  public var pager: PagerMode = .auto
}

/// One cq session: data, engine, settings, definitions and the last result.
///
/// Runs statement text from the shell, a script, `-c` or a pipe, and writes results and
/// diagnostics through the given sinks.
public final class Session {
  /// How the session was started.
  public let options: SessionOptions
  /// What `set` has changed.
  public internal(set) var settings = SessionSettings()
  /// The engine over the loaded data; nil before a load succeeds.
  public internal(set) var engine: Engine?
  /// The data folder currently loaded.
  public internal(set) var dataFolder: String?
  /// Whether the last `connect(engine:)` ended because of Ctrl-C.
  public internal(set) var connectCancelled = false
  var definitions: [String] = []
  /// No pager while set (the tutorial shows results between its own prompts).
  var pagingSuspended = false
  /// The pager could not be run once (said once; later results go straight out).
  var pagerFailed = false
  /// `--param NAME=VALUE` and `set param NAME VALUE`: what `$NAME` stands for, in the order
  /// first set (see `Session+Parameters.swift`).
  public internal(set) var parameters: [(name: String, value: String)] = []
  var lastResult: ResultSet?
  var lastStatement: String?
  var lastElapsedMS: Double = 0
  /// Whether this run has written to `--output` yet (the first result replaces the file).
  var wroteOutputFile = false
  /// The report being made: captions, blocks, title (see `Session+Report.swift`).
  var reporting = ReportState()
  /// Writes bytes that are not text (a PDF) to standard output.
  public var writeBytes: ([UInt8]) -> Void = { FileHandle.standardOutput.write(Data($0)) }
  let writeOut: (String) -> Void
  let writeErr: (String) -> Void
  /// Depth of nested `run` scripts (guards against a script running itself).
  var runDepth = 0
  /// Writes the caches of folders the shell loaded; `finish()` waits for it.
  let cacheWriter = CacheWriter()
  /// Added to line numbers in `FILE:LINE:COL` (see `execute(_:fileName:lineOffset:)`).
  var lineOffset = 0
  /// Changes whenever data or definitions change (completion caches follow it).
  public internal(set) var generation = 0
  /// Set by `quit`.
  public internal(set) var quitRequested = false
  /// Reads a line for `tutorial` (the shell's line reader); nil in batch use.
  public var readLine: ((String) -> String?)?
  /// Whether the last `readLine` ended with Ctrl-C (the tutorial's start prompt cancels then).
  public var lastLineWasInterrupted: () -> Bool = { false }
  /// Records a statement typed at a prompt other than the shell's own (the tutorial's), so
  /// the arrow keys recall it as they recall shell statements; nil in batch use.
  public var recordHistory: ((String) -> Void)?
  /// Returns, and forgets, a failure to write standard output since the last call.
  ///
  /// The failure is in the system's words with a fix; nil when all went well. The `cq`
  /// command's sink records failures; a statement whose output was cut fails with status 4.
  public var takeOutputFailure: () -> String? = { nil }

  /// A session writing results to `out` and diagnostics and notes to `err`.
  public init(
    options: SessionOptions, out: @escaping (String) -> Void, err: @escaping (String) -> Void
  ) {
    self.options = options
    settings.format = options.format
    settings.ascii = options.ascii
    settings.echo = options.echo
    writeOut = out
    writeErr = err
  }

  // MARK: - Loading

  /// Waits for work that must not be cut off when the process ends (a cache being written).
  public func finish() { cacheWriter.wait() }

  /// Loads a data folder; on failure keeps the previous data and returns false.
  ///
  /// A failure is written exactly as SPEC §1 words it, `FILE:LINE: column 'NAME': expected
  /// KIND, found "TEXT"` (or `FILE: message`), with no prefix, so it can be matched as is.
  @discardableResult
  public func load(folder: String, quiet: Bool = false) -> Bool {
    if let failure = loadData(folder: folder, quiet: quiet) {
      writeErr("\(failure)\n")
      return false
    }
    return true
  }

  /// Loads a data folder; returns the failure (the previous data stays) or nil.
  func loadData(folder: String, quiet: Bool) -> String? {
    let start = DispatchTime.now()
    let data: DataSet
    let progress =
      options.interactive && isatty(2) != 0 ? LoadProgress(folder: folder, write: writeErr) : nil
    do {
      defer { progress?.finish() }
      // The shell opens on parsed data while its cache is written behind it.
      data =
        try options.interactive
        ? DataLoader.load(folder: folder, writingCacheWith: cacheWriter)
        : DataLoader.load(folder: folder)
    } catch {
      return error.description
        + (engine != nil ? "; still using the data from '\(dataFolder ?? "")'" : "")
    }
    let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
    let previous = engine
    let newEngine = Engine(data: data)
    if let previous { newEngine.settings = previous.settings }
    engine = newEngine
    dataFolder = folder
    generation += 1
    // In the shell, derive what the first queries need while the analyst types.
    if options.interactive {
      DispatchQueue.global(qos: .utility).async(execute: newEngine.warmUp())
    }
    for w in data.warnings { writeErr("note: \(w)\n") }
    if options.timing { writeErr("timing load \(Session.formatMS(ms))\n") }
    // Session definitions survive a reload.
    let saved = definitions
    definitions = []
    for d in saved { _ = execute(d, fileName: nil) }
    if !quiet, options.interactive {
      writeErr(
        "loaded \(folder): \(data.tables.map { "\($0.name) \(Session.grouped($0.rowCount))" }.joined(separator: ", "))\n"
      )
    }
    return nil
  }

  static func formatMS(_ ms: Double) -> String { String(format: "%.3f", ms) }

  /// `n` with thousands separators (`10,000,000`).
  public static func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (i, c) in s.reversed().enumerated() {
      if i > 0, i % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return String(out.reversed())
  }

  // MARK: - Running text

  /// Runs every statement of `text` in order; returns the exit status of SPEC §2 (0 when all ran).
  ///
  /// `fileName` names a script or `-c` for `FILE:LINE:COL` messages (nil in the shell). A
  /// script stops at its first error unless `--continue`; the shell reports and goes on.
  ///
  /// `lineOffset` is added to the line numbers of messages: the N-th `-c` statement is reported
  /// as line N of `-c`, as if the statements were lines of one script.
  @discardableResult
  public func execute(_ text: String, fileName: String?, lineOffset: Int = 0) -> Int32 {
    let outer = self.lineOffset
    self.lineOffset = lineOffset
    defer { self.lineOffset = outer }
    var status: Int32 = 0
    let stopOnError = fileName != nil && !options.continueOnError
    // `$NAME` is replaced statement by statement, just before the statement is parsed for
    // running, so a `set param` takes effect on the lines after it; the text is then parsed
    // again (and line and column numbers of later messages are those of the substituted text).
    var source = text
    var statements = Parser.parseStatements(source)
    var references = Session.parameterReferences(in: source)
    var lines = source.split(separator: "\n", omittingEmptySubsequences: false)
    var index = 0
    while index < statements.count {
      if quitRequested { break }
      defer { index += 1 }
      var parsed = statements[index]
      let inStatement = references.filter {
        $0.range.lowerBound.offset >= parsed.range.lowerBound.offset
          && $0.range.lowerBound.offset < parsed.range.upperBound.offset
      }
      var s: Int32 = 0
      if !inStatement.isEmpty {
        switch substitute(inStatement, in: source) {
        case .failure(let error):
          report(error, fileName: fileName)
          s = 2
        case .success(let substituted):
          source = substituted
          statements = Parser.parseStatements(source)
          references = Session.parameterReferences(in: source)
          lines = source.split(separator: "\n", omittingEmptySubsequences: false)
          guard index < statements.count else { break }
          parsed = statements[index]
        }
      }
      // Comment lines directly above the statement are its caption in a report (SPEC §9).
      reporting.caption = Session.caption(of: index, in: statements, lines: lines)
      reporting.statement = nil
      if s == 0 {
        echo(parsed.range, in: source, fileName: fileName)
        if let node = parsed.node {
          s = run(node, source: source, fileName: fileName)
        } else {
          reporting.lastFailure = parsed.diagnostics.first?.message
          report(
            DiagnosticsError(diagnostics: parsed.diagnostics, source: source), fileName: fileName)
          s = 2
        }
      }
      if s != 0 {
        if reporting.statement == nil {
          reporting.statement = statementText(parsed.range, in: source)
        }
        noteFailure(status: s)
      }
      carryCaption()
      if s != 0 {
        if status == 0 { status = s }
        if stopOnError { return status }
      }
    }
    return status
  }

  /// `set echo on` (`--echo`): writes a statement of a script or `-c` to standard output before
  /// its result, each line as `-- LINE`, so the output reads as the script with its results.
  func echo(_ range: SourceRange, in source: String, fileName: String?) {
    // An HTML or PDF page on standard output is one document: nothing goes before it.
    guard settings.echo, fileName != nil, !(settings.format.isPage && options.outputFile == nil)
    else { return }
    let u = Array(source.utf8)
    let lo = max(0, min(range.lowerBound.offset, u.count))
    let hi = max(lo, min(range.upperBound.offset, u.count))
    let text = String(decoding: u[lo..<hi], as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      "-- " + $0.trimmingCharacters(in: .whitespaces) + "\n"
    }
    writeOut(lines.joined())
  }

  /// Prints diagnostics: in a script `FILE:LINE:COL: error: message`, then the caret view.
  func report(_ error: DiagnosticsError, fileName: String?) {
    let formatter = DiagnosticFormatter(colors: options.color && options.interactive)
    let text = formatter.format(
      error, fileName: fileName, lineOffset: fileName == nil ? 0 : lineOffset)
    writeErr(text.hasSuffix("\n") ? text : text + "\n")
  }

  func statementText(_ node: StmtNode, in source: String) -> String {
    statementText(node.range, in: source)
  }

  func statementText(_ range: SourceRange, in source: String) -> String {
    let u = Array(source.utf8)
    let lo = max(0, min(range.lowerBound.offset, u.count))
    let hi = max(lo, min(range.upperBound.offset, u.count))
    return String(decoding: u[lo..<hi], as: UTF8.self).trimmingCharacters(
      in: .whitespacesAndNewlines)
  }
}
