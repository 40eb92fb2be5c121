import CQStorage

/// A document made from a script's results (SPEC §9): a header, then one block per statement
/// with its caption, its table, chart or text, and its notes.
///
/// ```
/// -- ## Payout reconciliation
/// -- What we paid and what is pending, by basis.
/// payout, paid_payout, pending_payout by basis
/// ```
/// `cq run weekly.cq --output weekly.html` makes one; ``MarkdownReport`` and ``HTMLReport``
/// write it.
///
/// ## Topics
/// - ``ReportHeader``
/// - ``ReportBlock``
/// - ``Caption``
public struct Report: Sendable {
  /// The title, the data folder, its dates and when the report was made.
  public var header: ReportHeader
  /// The blocks in the order the statements ran.
  public var blocks: [ReportBlock]

  /// Creates a report.
  public init(header: ReportHeader, blocks: [ReportBlock] = []) {
    self.header = header
    self.blocks = blocks
  }
}

/// What a report says about itself: its title and introduction, the data it was made from,
/// and when.
public struct ReportHeader: Sendable {
  /// The title (the first line of the script's opening comment block, or the script's name).
  public var title: String
  /// Paragraphs under the title (the rest of the opening comment block).
  public var introduction: [Caption.Part]
  /// The data folder the results come from (`data`), or another source (`postgres://…`).
  public var dataSource: String?
  /// The first and last day of the data (`2025-04-23`, `2025-07-22`).
  public var dateRange: (first: String, last: String)?
  /// When the report was made, as `YYYY-MM-DD HH:MM UTC`.
  public var generated: String

  /// Creates a header.
  public init(
    title: String, introduction: [Caption.Part] = [], dataSource: String? = nil,
    dateRange: (first: String, last: String)? = nil, generated: String
  ) {
    self.title = title
    self.introduction = introduction
    self.dataSource = dataSource
    self.dateRange = dateRange
    self.generated = generated
  }

  /// `data: data · 2025-04-23 to 2025-07-22 · generated 2026-12-07 18:40 UTC`, the parts
  /// there are.
  public var summaryLine: String {
    var parts: [String] = []
    if let dataSource { parts.append("data: \(dataSource)") }
    if let dateRange { parts.append("\(dateRange.first) to \(dateRange.last)") }
    parts.append("generated \(generated)")
    return parts.joined(separator: " · ")
  }

  /// `YYYY-MM-DD HH:MM UTC` for seconds since 1970 (`SOURCE_DATE_EPOCH` or the clock).
  ///
  /// - Complexity: O(1).
  public static func timestamp(secondsSince1970 seconds: Int64) -> String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    let date = DayNumber.isoString(Int32(clamping: days))
    func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "\(date) \(two(rest / 3600)):\(two(rest % 3600 / 60)) UTC"
  }
}

/// One statement's part of a report.
public struct ReportBlock: Sendable {
  /// What the block shows under its caption.
  public enum Content: Sendable {
    /// A result as a table.
    case table(ResultSet)
    /// A result drawn as a chart (a terminal drawing in Markdown, SVG in HTML).
    case chart(ChartKind, ResultSet)
    /// Prose: `explain`, `describe`, `help`.
    case text(String)
    /// The statement failed (under `--continue`): the message, so the reader knows what is
    /// missing.
    case failure(String)
    /// Nothing: a caption over a statement that shows nothing (`define`, `use`, `set`).
    case none
  }

  /// The comment lines written above the statement, if any.
  public var caption: Caption?
  /// The statement as written (shown when there is no caption).
  public var statement: String?
  /// The table, chart, text or failure.
  public var content: Content

  /// Creates a block.
  public init(caption: Caption?, statement: String?, content: Content) {
    self.caption = caption
    self.statement = statement
    self.content = content
  }

  /// The caveats that go under the block: the result's footnotes (tier thresholds, how an
  /// estimate was made, the session filter) as `options` write them.
  public func notes(options: RenderOptions) -> [String] {
    switch content {
    case .table(let r), .chart(_, let r): ProseRenderer.render(r.footnotes, options: options)
    case .text, .failure, .none: []
    }
  }
}

extension ReportBlock {
  /// Notes with their indented continuation lines (`  MuscleBlaze: ₹30.7L – ₹32.5L` under
  /// `95% intervals of lift_revenue:`) gathered under the line they belong to.
  static func grouped(_ notes: [String]) -> [(note: String, details: [String])] {
    var groups: [(note: String, details: [String])] = []
    for note in notes {
      if note.hasPrefix(" "), !groups.isEmpty {
        groups[groups.count - 1].details.append(note.trimmingSpaces())
      } else {
        groups.append((note.trimmingSpaces(), []))
      }
    }
    return groups
  }
}

/// The comment lines directly above a statement in a script: `-- ## Heading` lines become
/// headings, other lines paragraphs (an empty comment line, or a heading, ends a paragraph).
///
/// ```
/// -- ## Payout reconciliation
/// -- What we paid, what is pending, and orders paid but not tracked.
/// payout, paid_payout, pending_payout by basis
/// ```
public struct Caption: Sendable, Equatable {
  /// A heading or a paragraph.
  public enum Part: Sendable, Equatable {
    /// `-- ## Text`: level 1–6 from the number of `#`.
    case heading(level: Int, text: String)
    /// Comment lines joined by spaces.
    case paragraph(String)
  }

  /// The headings and paragraphs in order.
  public var parts: [Part]

  /// Creates a caption from its parts.
  public init(parts: [Part]) { self.parts = parts }

  /// The caption of comment texts (each line with its `--` or `#` marker and one space
  /// removed); `nil` when they hold no text.
  ///
  /// - Complexity: O(*n*) in the characters of the lines.
  public init?(commentTexts lines: [String]) {
    var parts: [Part] = []
    var paragraph: [String] = []
    func endParagraph() {
      if !paragraph.isEmpty { parts.append(.paragraph(paragraph.joined(separator: " "))) }
      paragraph = []
    }
    for raw in lines {
      let line = raw.trimmingSpaces()
      if let heading = Caption.heading(line) {
        endParagraph()
        parts.append(heading)
      } else if line.isEmpty {
        endParagraph()
      } else {
        paragraph.append(line)
      }
    }
    endParagraph()
    guard !parts.isEmpty else { return nil }
    self.parts = parts
  }

  /// `## Text` as a level-2 heading; `nil` for any other line (`#hashtag` is text).
  static func heading(_ line: String) -> Part? {
    let hashes = line.prefix { $0 == "#" }.count
    guard (1...6).contains(hashes) else { return nil }
    let rest = line.dropFirst(hashes)
    guard rest.first == " " else { return nil }
    let text = String(rest).trimmingSpaces()
    return text.isEmpty ? nil : .heading(level: hashes, text: text)
  }

  /// The comment text of a script line (`-- text` → `text`, `# text` → `text`); `nil` when the
  /// line is not a comment.
  public static func commentText(_ line: Substring) -> String? {
    let trimmed = line.drop { $0 == " " || $0 == "\t" }
    var rest: Substring
    if trimmed.hasPrefix("--") {
      rest = trimmed.dropFirst(2)
    } else if trimmed.hasPrefix("#") {
      rest = trimmed.dropFirst()
    } else {
      return nil
    }
    if rest.first == " " { rest = rest.dropFirst() }
    var text = String(rest)
    while text.last == "\r" || text.last == " " || text.last == "\t" { text.removeLast() }
    return text
  }
}

extension String {
  /// Without leading and trailing spaces and tabs.
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" { s.removeFirst() }
    while s.last == " " || s.last == "\t" || s.last == "\r" { s.removeLast() }
    return String(s)
  }
}
