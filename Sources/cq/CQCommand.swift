import ArgumentParser
import CQEngine
import CQLanguage
import CQRendering
import CQShell
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `--color auto | always | never`, read from the same declaration as `set color` (the
/// synonyms `on` and `off` included).
extension ColorMode: ExpressibleByArgument {
  public init?(argument: String) { self.init(spelling: argument) }
}

/// Options shared by the shell, `-c` and `run`.
struct CommonOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp("The data folder (default: $CQ_DATA, else ./data).", valueName: "dir"))
  var data: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Run on a database instead of a data folder: postgres://USER@HOST:PORT/DB (default: $CQ_ENGINE). Password from PGPASSWORD or ~/.pgpass.",
      valueName: "url"))
  var engine: String?

  @Option(
    name: .long, help: ArgumentHelp("Output format: \(OutputFormat.list()).", valueName: "format"))
  var format: OutputFormat?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Write results to FILE, its format from the extension; .md, .html and .pdf make one report of the run.",
      valueName: "file"))
  var output: String?

  @Option(
    name: .long,
    help: ArgumentHelp(
      "Colour: auto (a terminal without NO_COLOR), always, never.", valueName: "when"))
  var color: ColorMode = .auto

  @Flag(name: .long, help: "Plain ASCII tables and charts.")
  var ascii = false

  @Flag(name: .long, help: "Do not read ~/.cqrc (or $CQRC): the statements run at start.")
  var norc = false

  @Option(
    name: .customLong("param"),
    help: ArgumentHelp(
      "Set $NAME in statements to VALUE (repeatable), e.g. --param week=2025-06-02.",
      valueName: "name=value"))
  var parameters: [String] = []

  @Flag(
    name: .long,
    help: "Write each statement to standard output before its result, as '-- STATEMENT'.")
  var echo = false

  @Flag(name: .customLong("continue"), help: "Go on after an error; exit non-zero at the end.")
  var continueOnError = false

  @Flag(
    name: .long, help: "Write 'timing load MS' and 'timing query MS STATEMENT' to standard error.")
  var timing = false

  @Option(
    name: .long,
    help: ArgumentHelp("Run each query N times (with --timing: each timed).", valueName: "n"))
  var `repeat`: Int = 1

  func validate() throws {
    guard `repeat` >= 1 else { throw ValidationError("'--repeat' takes a number of at least 1") }
    for p in parameters {
      guard let equal = p.firstIndex(of: "="), Session.isParameterName(String(p[..<equal])) else {
        throw ValidationError(
          "'--param' takes NAME=VALUE (e.g. --param week=2025-06-02), found '\(p)'")
      }
    }
  }

  /// Builds the session, loads the data and then `~/.cqrc`.
  func makeSession(interactive: Bool) -> (Session, loaded: Bool) {
    var o = SessionOptions()
    o.interactive = interactive
    o.stdoutIsTerminal = isatty(1) == 1
    let noColor = ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    switch color {
    case .always:
      o.color = true
      o.forceColor = true
    case .never: o.color = false
    case .auto: o.color = o.stdoutIsTerminal && !noColor
    }
    o.ascii = ascii
    if let format { o.format = format }
    // `--output -` is standard output.
    o.outputFile = output == "-" ? nil : output
    o.continueOnError = continueOnError
    o.timing = timing
    o.repeatCount = `repeat`
    o.terminalWidth = { Terminal.width() }
    o.terminalHeight = { Terminal.height() }
    o.echo = echo
    let session = Session(options: o, out: Terminal.writeOut, err: Terminal.writeErr)
    for p in parameters {
      guard let equal = p.firstIndex(of: "=") else { continue }  // validate() refused it
      session.setParameter(String(p[..<equal]), to: String(p[p.index(after: equal)...]))
    }
    session.takeOutputFailure = Terminal.takeOutputFailure
    session.writeBytes = Terminal.writeOut(bytes:)
    let engineURL =
      engine ?? ProcessInfo.processInfo.environment["CQ_ENGINE"].flatMap { $0.isEmpty ? nil : $0 }
    if let engineURL, data == nil {
      guard Session.isEngineURL(engineURL) else {
        Terminal.writeErr(
          "error: --engine takes a database URL such as postgres://analyst@db.internal:5432/campaigns\n"
        )
        return (session, false)
      }
      // Ctrl-C while connecting cancels the statement running on the server: "connect
      // cancelled", exit 130 (a second Ctrl-C ends cq at once).
      signal(SIGINT) { _ in
        Interrupt.raise()
        signal(SIGINT, SIG_DFL)
      }
      var interrupt = sigset_t()
      sigemptyset(&interrupt)
      sigaddset(&interrupt, SIGINT)
      pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
      let connected = session.connect(engine: engineURL, quiet: !interactive)
      if session.connectCancelled { Foundation.exit(130) }
      // A script or -c on a database: the first Ctrl-C cancels the running statement on the
      // server (SPEC §8) and ends the run; a second one ends cq at once. (The shell installs
      // its own handler; in memory the default, ending cq, is the same thing.)
      if connected, !interactive {
        signal(SIGINT) { _ in
          Interrupt.raise()
          signal(SIGINT, SIG_DFL)
        }
        // A parent may have started cq with SIGINT blocked; Ctrl-C must still reach it.
        pthread_sigmask(SIG_UNBLOCK, &interrupt, nil)
      }
      if connected, !norc { session.runStartupFile() }
      return (session, connected)
    }
    let fromEnvironment = ProcessInfo.processInfo.environment["CQ_DATA"].flatMap {
      $0.isEmpty ? nil : $0
    }
    let folder = data ?? fromEnvironment ?? "data"
    let loaded = session.load(folder: folder, quiet: true)
    if !loaded, !FileManager.default.fileExists(atPath: folder) {
      // Say where the folder name came from, and what a data folder is.
      let folders =
        "a data folder holds influencers.csv, posts.csv, tracking_data.csv and payouts.csv ('cq simulate --out DIR' writes one)"
      if data != nil {
        Terminal.writeErr("note: --data names the data folder; \(folders)\n")
      } else if fromEnvironment != nil {
        Terminal.writeErr("note: the folder comes from CQ_DATA; \(folders)\n")
      } else {
        Terminal.writeErr(
          "note: cq reads ./data unless told otherwise: give the folder with --data DIR or CQ_DATA\n"
        )
      }
    }
    if !norc { session.runStartupFile() }
    return (session, loaded)
  }
}

extension CommonOptions {
  /// Refuses, before anything runs, an output the run could not write.
  ///
  /// That is `--output` with an extension no format claims, a PDF with no browser to print
  /// it, or PDF bytes for a terminal. Exit status 4 (SPEC §9).
  func checkReportDestination() throws {
    let destination = output == "-" ? nil : output
    if let destination, let ext = OutputFormat.fileExtension(ofPath: destination),
      OutputFormat(fileExtension: ext) == nil
    {
      Terminal.writeErr("error: \(Session.unknownExtension(ext, path: destination))\n")
      throw ExitCode(4)
    }
    let pdfTarget: String? =
      destination.flatMap { OutputFormat(path: $0) == .pdf ? $0 : nil }
      ?? (destination == nil && format == .pdf ? "standard output" : nil)
    if let pdfTarget {
      if destination == nil, isatty(1) == 1 {
        Terminal.writeErr(
          "error: a PDF is not for a terminal: write it to a file with --output FILE.pdf, or send standard output to one (cq run FILE.cq --format pdf > report.pdf)\n"
        )
        throw ExitCode(4)
      }
      if PDFPrinter.findBrowser() == nil {
        Terminal.writeErr("error: \(PDFPrinter.noBrowserMessage(for: pdfTarget))\n")
        throw ExitCode(4)
      }
    }
  }
}

extension OutputFormat: ExpressibleByArgument {
  public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

@main
struct CQCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "cq",
    abstract: "A query shell for influencer-campaign analytics.",
    discussion: """
      Type statements such as 'roas by campaign where brand=MuscleBlaze'. \
      With no statements cq opens the shell on ./data; statements on a pipe run without prompts.

      Exit status: 0 all ran, 2 a statement did not parse, 3 the model cannot answer it, \
      4 data or I/O failure, 1 anything else.
      """,
    version: "0.1.0",
    subcommands: [RunCommand.self, SimulateCommand.self, LoadCommand.self])

  /// Runs the command; usage errors exit 1 ("anything else" in SPEC §2), not sysexits' 64.
  ///
  /// Output that could not be written (a full disk, `/dev/full`) is exit status 4, even for
  /// `--help`; each statement checks its own output, and what is left is checked here.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code.rawValue == 64 {
        Terminal.writeErr(fullMessage(for: error) + "\n")
        Foundation.exit(1)
      }
      if code == .success {
        // `--help`, `--version`: printed here rather than by `exit(withError:)`, so a failed
        // write is seen.
        let message = fullMessage(for: error)
        if !message.isEmpty { Terminal.writeOut(message + "\n") }
      } else {
        if Terminal.reportOutputFailure() { Foundation.exit(4) }
        exit(withError: error)
      }
    }
    if Terminal.reportOutputFailure() { Foundation.exit(4) }
  }

  // `.unconditional`: the word after `-c` is the statement even when it starts with `-`
  // (`-c '-- weekly report'`); an option given as its value is a statement too.
  @Option(
    name: .customShort("c"), parsing: .unconditionalSingleValue,
    help: ArgumentHelp("Run STATEMENT and exit (repeatable).", valueName: "statement"))
  var commands: [String] = []

  @OptionGroup var common: CommonOptions

  func run() throws {
    let stdinIsTerminal = isatty(0) == 1
    let interactive = commands.isEmpty && stdinIsTerminal
    try common.checkReportDestination()
    let (session, loaded) = common.makeSession(interactive: interactive)
    if !commands.isEmpty {
      guard loaded else { throw ExitCode(4) }
      var status: Int32 = 0
      var line = 0
      for c in commands {
        // The statements of -c are lines of one script: the second is reported as -c:2:COL.
        let s = session.execute(c, fileName: "-c", lineOffset: line)
        line += c.split(separator: "\n", omittingEmptySubsequences: false).count
        if s != 0 {
          if status == 0 { status = s }
          if !common.continueOnError { break }
        }
        if session.quitRequested || Interrupt.isPending { break }
      }
      status = session.finishReport(status: status)
      if status != 0 { throw ExitCode(status) }
      return
    }
    if !stdinIsTerminal {
      guard loaded else { throw ExitCode(4) }
      let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
      let status = session.finishReport(status: session.execute(text, fileName: "<stdin>"))
      if status != 0 { throw ExitCode(status) }
      return
    }
    Shell(session: session).run()
  }
}

/// `cq run FILE.cq` (or `-` for standard input).
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a script of statements; stops at the first error unless --continue.")

  @Argument(help: ArgumentHelp("The script ('-' reads standard input).", valueName: "file"))
  var file: String

  @OptionGroup var common: CommonOptions

  func run() throws {
    try common.checkReportDestination()
    let (session, loaded) = common.makeSession(interactive: false)
    guard loaded else { throw ExitCode(4) }
    let status = session.finishReport(status: session.runScript(file))
    if status != 0 { throw ExitCode(status) }
  }
}

/// Standard streams and the terminal.
enum Terminal {
  /// The `errno` of the first failed write to standard output not yet reported; while it is
  /// set, nothing more is written there (the output is already cut short).
  nonisolated(unsafe) private static var outputFailure: Int32?
  /// Standard output is a pipe whose reader has gone (`head`): later output is dropped
  /// quietly, as it always was; a closed pipe is not an error.
  nonisolated(unsafe) private static var outputClosed = false

  static func writeOut(_ s: String) {
    guard outputFailure == nil, !outputClosed else { return }
    let failure = writeAll(1, s)
    if failure == EPIPE {
      outputClosed = true
    } else if failure != 0 {
      outputFailure = failure
    }
  }

  static func writeErr(_ s: String) { _ = writeAll(2, s) }

  /// Writes bytes that are not text (a PDF) to standard output, failures as for text.
  static func writeOut(bytes: [UInt8]) {
    guard outputFailure == nil, !outputClosed else { return }
    let failure: Int32 = bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress else { return 0 }  // no bytes
      var offset = 0
      while offset < buffer.count {
        let n = write(1, base + offset, buffer.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += n
      }
      return 0
    }
    if failure == EPIPE {
      outputClosed = true
    } else if failure != 0 {
      outputFailure = failure
    }
  }

  /// Returns, and forgets, the failure to write standard output since the last call, in the
  /// system's words and a fix (`no space left on device; free some space or …`), flushing C's
  /// buffered streams first (help and version text may be printed through them).
  static func takeOutputFailure() -> String? {
    if fflush(nil) != 0, outputFailure == nil, errno != EPIPE { outputFailure = errno }
    guard let failure = outputFailure else { return nil }
    outputFailure = nil
    let reason = strerror(failure).map { String(cString: $0).lowercased() } ?? "error \(failure)"
    let fix =
      failure == ENOSPC || failure == EDQUOT
      ? "free some space or send the output elsewhere" : "check where it is sent"
    return reason + "; " + fix
  }

  /// Reports a failure to write standard output outside any statement (at exit): writes
  /// `error: cannot write standard output: REASON` and returns true when there was one.
  static func reportOutputFailure() -> Bool {
    guard let problem = takeOutputFailure() else { return false }
    writeErr("error: cannot write standard output: \(problem)\n")
    return true
  }

  /// Writes every byte (unbuffered, so stdout and stderr interleave in order); returns the
  /// `errno` of a failure, else 0.
  static func writeAll(_ fd: Int32, _ s: String) -> Int32 {
    var s = s
    return s.withUTF8 { buf in
      guard let base = buf.baseAddress else { return 0 }  // no text
      var offset = 0
      while offset < buf.count {
        let n = write(fd, base + offset, buf.count - offset)
        if n < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += n
      }
      return 0
    }
  }

  /// Lines of the terminal on standard output, if it is one (else `LINES`).
  static func height() -> Int? {
    var w = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_row > 0 { return Int(w.ws_row) }
    if let l = ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init), l > 0 { return l }
    return nil
  }

  /// Columns of the terminal on standard output, if it is one.
  static func width() -> Int? {
    var w = winsize()
    if ioctl(1, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
    if let c = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), c > 0 { return c }
    return nil
  }
}
