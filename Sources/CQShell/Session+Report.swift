import CQEngine
import CQLanguage
import CQRendering
import CQStorage
import Foundation

/// A run's report in the making (SPEC §9): captions read from the script, blocks made from
/// results, and where the document goes.
///
/// ```
/// cq run weekly.cq --output weekly.html     -- one page, written when the run ends
/// cq run weekly.cq --format markdown        -- Markdown, block by block, on standard output
/// roas by brand chart bar > roas.md         -- one block, written now
/// ```
struct ReportState {
  /// The caption of the statement running now, until a block takes it.
  var caption: Caption?
  /// Captions of statements that showed nothing (`define`, `use`): they head the next block.
  var pending: [Caption.Part] = []
  /// The statement running now, as written (without a `> FILE` redirect).
  var statement: String?
  /// Blocks for the document written when the run ends (`--output` to a document, or an
  /// HTML or PDF page on standard output).
  var blocks: [ReportBlock] = []
  /// The message of the last failure, for the block that says what is missing.
  var lastFailure: String?
  /// The title and introduction: from the opening comment block of the first script run.
  var title: String?
  var introduction: [Caption.Part] = []
}

/// Where a document goes.
enum ReportDestination {
  /// `--output FILE` in a document format: one document when the run ends.
  case outputFile(String, OutputFormat)
  /// Standard output in a document format (`--format`, `set format`).
  case standardOutput(OutputFormat)
}

extension Session {
  // MARK: Captions

  /// The caption of the statement `index` of `statements` in `source`: the comment lines
  /// directly above its first line (no blank line between), below the previous statement.
  ///
  /// - Complexity: O(*k*) in the comment lines read.
  static func caption(of index: Int, in statements: [ParsedStatement], lines: [Substring])
    -> Caption?
  {
    let first = statements[index].range.lowerBound.line
    let floor = index > 0 ? statements[index - 1].range.upperBound.line : 0
    var texts: [String] = []
    var line = first - 1
    while line > floor, line >= 1, line <= lines.count,
      let text = Caption.commentText(lines[line - 1])
    {
      texts.append(text)
      line -= 1
    }
    return Caption(commentTexts: texts.reversed())
  }

  /// The title and introduction of a script: its opening comment block when a blank line
  /// separates it from the first statement (else that block is the statement's caption).
  static func preamble(of text: String) -> (title: String, introduction: [Caption.Part])? {
    var texts: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if let comment = Caption.commentText(line) {
        texts.append(comment)
      } else if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
        if !texts.isEmpty { break }
      } else {
        // The block runs into a statement: it is that statement's caption.
        return nil
      }
    }
    guard let first = texts.firstIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    else { return nil }
    let line = texts[first].trimmingCharacters(in: .whitespaces)
    let title = Caption.heading(of: line) ?? line
    return (title, Caption(commentTexts: Array(texts[(first + 1)...]))?.parts ?? [])
  }

  /// Remembers the title and introduction of the first script run, for the report.
  func noteScript(_ path: String, text: String) {
    guard reporting.title == nil else { return }
    if let (title, introduction) = Session.preamble(of: text) {
      reporting.title = title
      reporting.introduction = introduction
    } else if path != "-" {
      let name = path.split(separator: "/").last.map(String.init) ?? path
      reporting.title = name.hasSuffix(".cq") ? String(name.dropLast(3)) : name
    }
  }

  // MARK: Destinations

  /// Where a result of this statement goes as part of a document, if it does: `--output` to
  /// a document, or a document format on standard output (outside the interactive shell, or
  /// Markdown in it).
  var reportDestination: ReportDestination? {
    if let file = options.outputFile {
      let format = OutputFormat(path: expand(file)) ?? settings.format
      return format.isDocument ? .outputFile(file, format) : nil
    }
    return settings.format.isDocument ? .standardOutput(settings.format) : nil
  }

  /// A block for the statement running now, using up its caption.
  func makeBlock(_ content: ReportBlock.Content) -> ReportBlock {
    var parts = reporting.pending
    parts += reporting.caption?.parts ?? []
    reporting.pending = []
    reporting.caption = nil
    let statement = options.interactive ? nil : reporting.statement
    return ReportBlock(
      caption: parts.isEmpty ? nil : Caption(parts: parts), statement: statement, content: content)
  }

  /// Puts `content` in the run's document: now on standard output for Markdown (and for a
  /// page in the interactive shell), else kept for the end of the run.
  func addToReport(_ content: ReportBlock.Content, destination: ReportDestination) throws {
    let block = makeBlock(content)
    let options = renderOptions(toTerminal: false)
    switch destination {
    case .outputFile:
      reporting.blocks.append(block)
    case .standardOutput(let format):
      if format == .markdown {
        let text = try chartChecked { () throws(ChartError) in
          try MarkdownReport.render(block, options: options)
        }
        if !text.isEmpty { writePaged(text + "\n") }
      } else if self.options.interactive {
        if format == .pdf { throw Session.pdfOnTerminal }
        let page = try chartChecked { () throws(ChartError) in
          try HTMLReport.render(
            Report(header: header(title: block.statement ?? "cq result"), blocks: [block]),
            options: options)
        }
        writeOut(page)
      } else {
        if format == .pdf, options.width == nil, self.options.stdoutIsTerminal {
          throw Session.pdfOnTerminal
        }
        // Drawn now, so a chart that cannot be drawn fails its own statement.
        if case .chart(let kind, let result) = content {
          _ = try chartChecked { () throws(ChartError) in
            try ChartRenderer.render(result, kind: kind, options: options)
          }
        }
        reporting.blocks.append(block)
      }
    }
  }

  static let pdfOnTerminal = SessionError(
    message:
      "a PDF is not for a terminal: write it to a file with --output FILE.pdf or '> FILE.pdf', or send standard output to one (cq run FILE.cq --format pdf > report.pdf)",
    status: 4)

  /// Runs `body`, turning a chart that cannot be drawn into the statement's error (status 3).
  func chartChecked<T>(_ body: () throws(ChartError) -> T) throws(SessionError) -> T {
    do {
      return try body()
    } catch {
      throw SessionError(message: error.message, status: 3)
    }
  }

  /// The header of a report: its title, the data folder and its dates, and the time
  /// (`SOURCE_DATE_EPOCH` when set, for reproducible output, else now).
  func header(title: String? = nil) -> ReportHeader {
    let environment = ProcessInfo.processInfo.environment
    let seconds =
      environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
      ?? Int64(Date().timeIntervalSince1970)
    return ReportHeader(
      title: title ?? reporting.title ?? "cq report",
      introduction: title == nil ? reporting.introduction : [],
      dataSource: dataFolder, dateRange: engine?.dateRange,
      generated: ReportHeader.timestamp(secondsSince1970: seconds))
  }

  // MARK: Files

  /// Writes one result to `path` (`> FILE`, `>> FILE`, or `--output` in a format that is not
  /// a document): in the format the extension names, else the session format.
  ///
  /// - Throws: a ``SessionError`` with status 4 for an extension no format claims (listing
  ///   them), a file that cannot be written, a PDF without a browser or appended to.
  func writeResult(
    _ shown: ResultSet, chart kind: ChartKind?, toFile path: String, append: Bool, rows: Int
  ) throws {
    let format = try fileFormat(path)
    if let kind {
      if format.isMachineReadable {
        // A program reads a .csv/.json file: it gets the data the chart draws, not the drawing.
        writeErr(
          "note: '\(path)' gets the chart's data as \(format.rawValue); write to a .txt file for the drawing\n"
        )
        return try writeResult(shown, toFile: path, append: append, rows: rows)
      }
      if format == .table {
        var opts = renderOptions(toTerminal: false)
        opts.width = settings.width ?? ChartRenderer.defaultWidth
        let drawn = try chartChecked { () throws(ChartError) in
          try ChartRenderer.render(shown, kind: kind, options: opts)
        }
        var text = drawn
        if append, Session.nonEmptyFile(expand(path)) { text = "\n" + text }
        return try write(text, to: path, append: append, rows: rows)
      }
    }
    guard format.isDocument else {
      return try writeResult(shown, toFile: path, append: append, rows: rows)
    }
    let content: ReportBlock.Content = kind.map { .chart($0, shown) } ?? .table(shown)
    let block = makeBlock(content)
    let options = renderOptions(toTerminal: false)
    let target = expand(path)
    switch format {
    case .markdown:
      var text = try chartChecked { () throws(ChartError) in
        try MarkdownReport.render(block, options: options)
      }
      if append, Session.nonEmptyFile(target) { text = "\n" + text }
      try write(text, to: path, append: append, rows: rows)
    case .html:
      var seen = false
      if append, Session.nonEmptyFile(target) {
        let section = try chartChecked { () throws(ChartError) in
          try HTMLReport.render(block, options: options, breakBeforeHeading: &seen)
        }
        let existing =
          (FileManager.default.contents(atPath: target)).map { String(decoding: $0, as: UTF8.self) }
          ?? ""
        guard let page = HTMLReport.appending(section, to: existing) else {
          throw SessionError(
            message:
              "cannot append to '\(path)': it is not an HTML report cq wrote; write a new one with '> \(path)'",
            status: 4)
        }
        try write(page, to: path, append: false, rows: rows, verb: "appended")
      } else {
        let page = try chartChecked { () throws(ChartError) in
          try HTMLReport.render(
            Report(header: header(title: block.statement ?? reporting.title), blocks: [block]),
            options: options)
        }
        try write(page, to: path, append: false, rows: rows)
      }
    case .pdf:
      if append {
        throw SessionError(
          message:
            "cannot append to the PDF '\(path)': append to an .md or .html report, or write the whole report with 'cq run FILE.cq --output \(path)'",
          status: 4)
      }
      let page = try chartChecked { () throws(ChartError) in
        try HTMLReport.render(
          Report(header: header(title: block.statement ?? reporting.title), blocks: [block]),
          options: options)
      }
      try writePDF(page, to: path, what: "\(rows) row\(rows == 1 ? "" : "s")")
    default:
      try writeResult(shown, toFile: path, append: append, rows: rows)
    }
  }

  /// The format for a file: its extension's, or the session format when it has none.
  ///
  /// - Throws: a ``SessionError`` (status 4) naming the extension and listing the formats.
  func fileFormat(_ path: String) throws(SessionError) -> OutputFormat {
    let target = expand(path)
    guard let ext = OutputFormat.fileExtension(ofPath: target) else { return settings.format }
    guard let format = OutputFormat(fileExtension: ext) else {
      throw SessionError(message: Session.unknownExtension(ext, path: path), status: 4)
    }
    return format
  }

  /// `cannot write 'r.docx': cq does not write '.docx' files; …` with every extension cq writes.
  public static func unknownExtension(_ ext: String, path: String) -> String {
    "cannot write '\(path)': cq does not write '.\(ext)' files; the extension names the format: \(OutputFormat.extensionList)"
  }

  /// Prints `page` to PDF and writes it to `path`.
  func writePDF(_ page: String, to path: String, what: String) throws {
    guard let browser = PDFPrinter.findBrowser() else {
      throw SessionError(message: PDFPrinter.noBrowserMessage(for: path), status: 4)
    }
    let bytes: [UInt8]
    do {
      bytes = try PDFPrinter.pdf(of: page, browser: browser, for: path)
    } catch {
      throw SessionError(message: error.message, status: 4)
    }
    do {
      try AtomicFileWriter.write(bytes: bytes, to: expand(path))
    } catch {
      throw SessionError(message: error.description, status: 4)
    }
    if options.interactive || !options.stdoutIsTerminal { writeErr("wrote \(what) to \(path)\n") }
  }

  // MARK: End of the run

  /// Writes the run's document (`--output` to a document, or an HTML or PDF page on standard
  /// output); returns the run's exit status, 4 when the document could not be written.
  ///
  /// A run stopped by an error writes no document (the previous file stays); under
  /// `--continue` the document is written with each failed statement marked.
  public func finishReport(status: Int32) -> Int32 {
    guard let destination = runDestination else { return status }
    let blocks = reporting.blocks
    reporting.blocks = []
    // A page on standard output with nothing in it is not worth a browser's time.
    if case .standardOutput = destination, blocks.isEmpty { return status }
    if status != 0 && !options.continueOnError {
      if case .outputFile(let path, _) = destination {
        writeErr(
          "note: '\(path)' was not written: the run stopped at an error (with --continue the report is written, marking what failed)\n"
        )
      }
      return status
    }
    let options = renderOptions(toTerminal: false)
    let report = Report(header: header(), blocks: blocks)
    let count = blocks.filter { if case .none = $0.content { false } else { true } }.count
    let what = "a report of \(count) result\(count == 1 ? "" : "s")"
    do {
      switch destination {
      case .outputFile(let path, .markdown):
        try write(
          try render { () throws(ChartError) in try MarkdownReport.render(report, options: options)
          }, to: path, append: false, rows: 0, verb: "wrote", what: what)
      case .outputFile(let path, .pdf):
        try writePDF(
          try render { () throws(ChartError) in try HTMLReport.render(report, options: options) },
          to: path, what: what)
      case .outputFile(let path, _):
        try write(
          try render { () throws(ChartError) in try HTMLReport.render(report, options: options) },
          to: path, append: false, rows: 0, verb: "wrote", what: what)
      case .standardOutput(.pdf):
        let page = try render { () throws(ChartError) in
          try HTMLReport.render(report, options: options)
        }
        guard let browser = PDFPrinter.findBrowser() else {
          throw SessionError(
            message: PDFPrinter.noBrowserMessage(for: "standard output"), status: 4)
        }
        do {
          let bytes = try PDFPrinter.pdf(of: page, browser: browser, for: "standard output")
          writeBytes(bytes)
        } catch {
          throw SessionError(message: error.message, status: 4)
        }
      case .standardOutput:
        writeOut(
          try render { () throws(ChartError) in try HTMLReport.render(report, options: options) })
      }
    } catch let error as SessionError {
      writeErr("error: \(error.message)\n")
      return status == 0 ? error.status : status
    } catch {
      writeErr("error: \(error)\n")
      return status == 0 ? 1 : status
    }
    return status
  }

  /// The destination of the run's document, if the run writes one at its end.
  var runDestination: ReportDestination? {
    switch reportDestination {
    case .outputFile(let path, let format)?: return .outputFile(path, format)
    case .standardOutput(let format)? where format.isPage && !options.interactive:
      return .standardOutput(format)
    default: return nil
    }
  }

  func render(_ body: () throws(ChartError) -> String) throws(SessionError) -> String {
    try chartChecked(body)
  }

  /// Records a failed statement in the document (under `--continue`), so the reader knows
  /// what is missing.
  func noteFailure(status: Int32) {
    let message = reporting.lastFailure ?? "this statement failed (exit status \(status))"
    reporting.lastFailure = nil
    guard options.continueOnError, runDestination != nil || reportDestination != nil else {
      reporting.caption = nil
      return
    }
    let block = makeBlock(.failure(message))
    if case .standardOutput(.markdown)? = reportDestination {
      if let text = try? MarkdownReport.render(block, options: renderOptions(toTerminal: false)) {
        writeOut(text + "\n")
      }
    } else {
      reporting.blocks.append(block)
    }
  }

  /// After a statement ran: a caption no block took (over `define`, `use`, `set`) heads the
  /// next block.
  func carryCaption() {
    if let caption = reporting.caption { reporting.pending += caption.parts }
    reporting.caption = nil
    reporting.statement = nil
  }
}

extension Caption {
  /// The text of a `## Heading` line, or `nil`.
  static func heading(of line: String) -> String? {
    guard let part = Caption(commentTexts: [line])?.parts.first, case .heading(_, let text) = part
    else { return nil }
    return text
  }
}
