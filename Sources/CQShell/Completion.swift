import CQLanguage
import CQRendering
import Foundation

/// The names tab completion offers, supplied by the session from its catalog and data.
///
/// ## Topics
/// - ``init(metrics:dimensions:tables:segments:settings:chartKinds:values:settingValues:)``
/// - ``standardSettingValues(_:)``
public struct CompletionVocabulary: Sendable {
  /// Metric names (catalog names and defined metrics).
  public var metrics: [String]
  /// Dimension names, singular (`campaign`, `week`).
  public var dimensions: [String]
  /// Table names (`influencers`, `posts`, ...).
  public var tables: [String]
  /// Segments defined with `define segment`.
  public var segments: [String]
  /// Setting names for `set`.
  public var settings: [String]
  /// Chart kinds for `chart`.
  public var chartKinds: [String]
  /// A dimension's distinct values: given the singular, lower-case dimension name.
  public var values: @Sendable (String) -> [String]
  /// The values a setting takes, given its lower-case name (`[]` when free-form).
  public var settingValues: @Sendable (String) -> [String]

  /// A vocabulary; everything defaults to empty except the chart kinds and setting values.
  public init(
    metrics: [String] = [], dimensions: [String] = [], tables: [String] = [],
    segments: [String] = [], settings: [String] = [],
    chartKinds: [String] = Keywords.chartKinds,
    values: @escaping @Sendable (String) -> [String] = { _ in [] },
    settingValues: @escaping @Sendable (String) -> [String] = CompletionVocabulary
      .standardSettingValues
  ) {
    self.metrics = metrics
    self.dimensions = dimensions
    self.tables = tables
    self.segments = segments
    self.settings = settings
    self.chartKinds = chartKinds
    self.values = values
    self.settingValues = settingValues
  }

  /// The values SPEC names for settings: formats, allocation weights, on/off switches.
  @Sendable public static func standardSettingValues(_ setting: String) -> [String] {
    switch setting {
    case "format": OutputFormat.allCases.map(\.rawValue).sorted()
    case "allocation": ["orders", "revenue"]
    case "color": ["always", "auto", "never", "off", "on"]
    case "rows": ["all"]
    case "width": ["auto"]
    case "tiers": ["default"]
    case "grouping": ["indian", "western"]
    case "totals", "timer", "ascii", "echo": ["off", "on"]
    case "display": DisplayMode.allCases.map(\.rawValue).sorted()
    case "pager": PagerMode.allCases.map(\.rawValue).sorted()
    default: []
    }
  }
}

/// What to offer at the cursor: the words, and where in the line they replace the typed text.
public struct CompletionResult: Sendable, Equatable {
  /// UTF-8 offset in the line where the word being completed starts.
  public var replaceFrom: Int
  /// Full replacement words for `line[replaceFrom..<cursor]`, sorted, without duplicates.
  ///
  /// Values with spaces come back quoted (`"Whey Protein 1kg"`); folders end in `/`.
  public var candidates: [String]

  /// A result.
  public init(replaceFrom: Int, candidates: [String]) {
    self.replaceFrom = replaceFrom
    self.candidates = candidates
  }

  /// The longest prefix all candidates share (by Unicode scalar), or `""` for none.
  public var commonPrefix: String {
    guard let first = candidates.first else { return "" }
    var prefix = Array(first.unicodeScalars)
    for candidate in candidates.dropFirst() {
      let shared = zip(prefix, candidate.unicodeScalars).prefix { $0 == $1 }.count
      prefix.removeLast(prefix.count - shared)
      if prefix.isEmpty { break }
    }
    var text = ""
    text.unicodeScalars.append(contentsOf: prefix)
    return text
  }
}

/// Tab completion for the cq language (SPEC §2).
///
/// Knows where it is in a statement: statement keywords and metrics at the start, metrics in
/// the metric list, clause keywords in position, dimensions after `by`, dimensions and
/// segments in `where`, dimension values after `=`, `!=`, `~`, `in (` and `between`
/// (`brand=Mu` → `MuscleBlaze`), tables after `sample` and `describe`, files after `load`,
/// `run`, `>` and `>>`, show targets, settings, chart kinds and help topics.
public enum Completer {
  /// Statement keywords offered at the start of a statement (with the metric names).
  /// The statement words of the language (`exit` is offered as `quit`).
  public static let statementKeywords = Keywords.statements.filter { $0 != "exit" }.sorted()

  /// Completes the word at `cursor` in `line`.
  ///
  /// - Parameters:
  ///   - line: the text being edited (one statement, or several separated by `;`).
  ///   - cursor: the cursor as a UTF-8 offset into `line` (clamped to the line).
  ///   - vocabulary: the names to offer.
  ///   - currentDirectory: where relative file names are looked up.
  /// - Returns: the candidates (possibly none) and where the word being completed starts.
  /// - Complexity: O(*n* + *v*) in the line length and the number of names offered.
  public static func complete(
    line: String, cursor: Int, vocabulary: CompletionVocabulary, currentDirectory: String
  ) -> CompletionResult {
    let bytes = Array(line.utf8)
    var end = min(max(0, cursor), bytes.count)
    // Back up to a scalar boundary (continuation bytes are 10xxxxxx).
    while end > 0, end < bytes.count, bytes[end] & 0xC0 == 0x80 { end -= 1 }
    let prefix = Array(bytes[0..<end])

    guard let lexed = Lexer.tokens(prefix) else {
      return CompletionResult(replaceFrom: end, candidates: [])  // inside a comment
    }
    let statement = lexed.statement

    // File names: the raw word after `>`, `>>`, `load` or `run` (may hold `/`, `~`, `.`).
    let rawStart: Int
    if let last = statement.last, last.kind == .openString, last.end == end {
      rawStart = last.start
    } else {
      var index = end
      while index > lexed.statementStart {
        let byte = prefix[index - 1]
        if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == UInt8(ascii: ">") { break }
        index -= 1
      }
      rawStart = index
    }
    let beforeRaw = statement.filter { $0.end <= rawStart }
    if let kind = Grammar.fileContext(beforeRaw, vocabulary: vocabulary) {
      let word = String(decoding: prefix[rawStart..<end], as: UTF8.self)
      return CompletionResult(
        replaceFrom: rawStart,
        candidates: Files.candidates(
          for: word, directoriesOnly: kind == .directories, currentDirectory: currentDirectory)
      )
    }

    // Everything else: the current word is the last token when it touches the cursor.
    var context = statement
    var word = ""
    var wordStart = end
    if let last = statement.last, last.end == end, last.kind == .word || last.kind == .openString
    {
      context.removeLast()
      word = last.kind == .openString ? "\"" + last.text : last.text
      wordStart = last.start
    }
    let expectation = Grammar.expectation(after: context, vocabulary: vocabulary)
    return CompletionResult(
      replaceFrom: wordStart,
      candidates: expectation.candidates(matching: word, vocabulary: vocabulary))
  }
}

// MARK: - Lexing

/// A forgiving tokenizer for partial statements (never fails except inside a comment).
enum Lexer {
  struct Token: Equatable {
    enum Kind: Equatable { case word, string, openString, op }
    var kind: Kind
    /// Words as written; strings unquoted and unescaped; operators as written.
    var text: String
    var start: Int
    var end: Int

    var key: String { kind == .word ? text.lowercased() : "" }
    func isOp(_ symbol: String) -> Bool { kind == .op && text == symbol }
  }

  struct Lexed {
    /// The tokens of the statement the cursor is in (after the last `;`).
    var statement: [Token]
    var statementStart: Int
  }

  private static let operatorBytes = Set("=!<>~(),;+*/".utf8)

  /// Tokenizes `bytes`; `nil` when the end is inside a comment.
  static func tokens(_ bytes: [UInt8]) -> Lexed? {
    var tokens: [Token] = []
    var statementStart = 0
    var index = 0
    let count = bytes.count
    func byte(_ at: Int) -> UInt8? { at < count ? bytes[at] : nil }

    while index < count {
      let current = bytes[index]
      switch current {
      case 0x20, 0x09, 0x0A, 0x0D:
        index += 1
      case UInt8(ascii: "\\") where byte(index + 1) == 0x0A || index + 1 == count:
        index += 1  // line continuation
      case UInt8(ascii: "#"):
        return nil
      case UInt8(ascii: "-") where byte(index + 1) == UInt8(ascii: "-"):
        return nil
      case UInt8(ascii: "-") where !(byte(index + 1).map { $0 >= 0x30 && $0 <= 0x39 } ?? false):
        // A minus not starting a number: `revenue - payout`.
        tokens.append(Token(kind: .op, text: "-", start: index, end: index + 1))
        index += 1
      case UInt8(ascii: ";"):
        tokens.removeAll()
        index += 1
        statementStart = index
      case UInt8(ascii: "\""):
        let start = index
        index += 1
        var text: [UInt8] = []
        var closed = false
        while index < count {
          let b = bytes[index]
          if b == UInt8(ascii: "\\"), index + 1 < count {
            text.append(bytes[index + 1])
            index += 2
          } else if b == UInt8(ascii: "\"") {
            closed = true
            index += 1
            break
          } else {
            text.append(b)
            index += 1
          }
        }
        tokens.append(
          Token(
            kind: closed ? .string : .openString, text: String(decoding: text, as: UTF8.self),
            start: start, end: index))
      case let b where operatorBytes.contains(b):
        let start = index
        index += 1
        if let next = byte(index),
          (b == UInt8(ascii: ">") && (next == UInt8(ascii: ">") || next == UInt8(ascii: "=")))
            || (b == UInt8(ascii: "<") && next == UInt8(ascii: "="))
            || (b == UInt8(ascii: "!") && next == UInt8(ascii: "="))
        {
          index += 1
        }
        tokens.append(
          Token(
            kind: .op, text: String(decoding: bytes[start..<index], as: UTF8.self), start: start,
            end: index))
      default:
        let start = index
        while index < count {
          let b = bytes[index]
          if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == UInt8(ascii: "\"")
            || b == UInt8(ascii: "#") || operatorBytes.contains(b)
          {
            break
          }
          index += 1
        }
        tokens.append(
          Token(
            kind: .word, text: String(decoding: bytes[start..<index], as: UTF8.self),
            start: start, end: index))
      }
    }
    return Lexed(statement: tokens, statementStart: statementStart)
  }
}

// MARK: - Grammar positions

/// What may come next at the cursor.
struct Expectation {
  var keywords: [String] = []
  var metrics = false
  var dimensions = false
  var segments = false
  var tables = false
  var settings = false
  var chartKinds = false
  var helpTopics = false
  /// `date` (the condition name for `day`).
  var dateName = false
  /// Values of this dimension (singular, lower-case).
  var valuesOf: String?
  /// Values of this setting.
  var settingValuesOf: String?

  static let nothing = Expectation()

  func candidates(matching typed: String, vocabulary: CompletionVocabulary) -> [String] {
    // An opened quote only makes sense for a value.
    let quoted = typed.hasPrefix("\"")
    let needle = (quoted ? String(typed.dropFirst()) : typed).lowercased()
    var names: [String] = []
    if !quoted {
      names += keywords
      if metrics { names += vocabulary.metrics }
      if dimensions { names += vocabulary.dimensions }
      if dateName { names.append("date") }
      if segments { names += vocabulary.segments }
      if tables { names += vocabulary.tables }
      if settings { names += vocabulary.settings }
      if chartKinds { names += vocabulary.chartKinds }
      if helpTopics { names += Help.topics }
      if let setting = settingValuesOf { names += vocabulary.settingValues(setting) }
    }
    var result = names.filter { Text.hasPrefix($0.lowercased(), needle) }
    if let dimension = valuesOf {
      for value in vocabulary.values(dimension) where Text.hasPrefix(value.lowercased(), needle) {
        result.append(quoted || Quoting.needsQuotes(value) ? Quoting.quote(value) : value)
      }
    }
    return Text.sortedUnique(result)
  }
}

/// Comparisons by Unicode scalar, so a prefix may end inside a grapheme cluster
/// (`प्र` is a prefix of `प्रिया`, though its last cluster is not).
enum Text {
  static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
    text.unicodeScalars.starts(with: prefix.unicodeScalars)
  }

  /// Sorted case-insensitively, ignoring an opening quote; duplicates removed.
  static func sortedUnique(_ words: [String]) -> [String] {
    var seen = Set<String>()
    func key(_ word: String) -> String {
      (word.hasPrefix("\"") ? String(word.dropFirst()) : word).lowercased()
    }
    return words.filter { seen.insert($0).inserted }.sorted { (key($0), $0) < (key($1), $1) }
  }
}

/// When a value must be written as a quoted string.
enum Quoting {
  /// Words a bare value cannot be: the language's clause and condition words.
  private static let keywords = Set(Keywords.clauses + Keywords.conditions + ["asc", "desc"])

  static func needsQuotes(_ value: String) -> Bool {
    if value.isEmpty || keywords.contains(value.lowercased()) { return true }
    if value.hasPrefix("-") { return true }
    return !value.unicodeScalars.allSatisfy { scalar in
      scalar == "_" || scalar == "-" || scalar == "." || scalar.properties.isAlphabetic
        || scalar.properties.numericType != nil || scalar.properties.generalCategory
          == .nonspacingMark || scalar.properties.generalCategory == .spacingMark
    }
  }

  /// `"…"` with `\` and `"` escaped by a backslash, and line breaks and tabs as the lexer
  /// reads them (`\n`, `\t`; a CR is dropped).
  static func quote(_ value: String) -> String {
    var out = "\""
    for c in value {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n", "\r\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": break
      default: out.append(c)
      }
    }
    return out + "\""
  }
}

enum Grammar {
  typealias Token = Lexer.Token

  enum FileKind { case files, directories }

  /// The language's clauses; `with` is offered through `with other` once a limit is there.
  static let clauseKeywords = Keywords.clauses.filter { $0 != "with" }
  static let showTargets = CQLanguage.Keywords.showTargets.sorted()

  /// Whether the word after `tokens` is a file name (`load`, `run`, `>`, `>>`).
  static func fileContext(_ tokens: [Token], vocabulary: CompletionVocabulary) -> FileKind? {
    guard let first = tokens.first else { return nil }
    if tokens.count == 1, first.kind == .word {
      if first.key == "load" { return .directories }
      if first.key == "run" { return .files }
    }
    guard let last = tokens.last, last.kind == .op else { return nil }
    if last.text == ">>" { return .files }
    if last.text == ">" {
      // `roas > 2` in where/having is a comparison, not a redirect.
      let outcome = statementExpectation(Array(tokens.dropLast()), vocabulary: vocabulary)
      return outcome.isAfterConditionOperand ? nil : .files
    }
    return nil
  }

  /// What may follow `tokens` (the statement so far, without the word being completed).
  static func expectation(after tokens: [Token], vocabulary: CompletionVocabulary) -> Expectation
  {
    statementExpectation(tokens, vocabulary: vocabulary).expectation
  }

  struct Outcome {
    var expectation: Expectation
    var isAfterConditionOperand = false
  }

  private static func statementExpectation(
    _ tokens: [Token], vocabulary: CompletionVocabulary
  ) -> Outcome {
    guard let first = tokens.first else {
      var start = Expectation()
      start.keywords = Completer.statementKeywords
      start.metrics = true
      return Outcome(expectation: start)
    }
    let rest = Array(tokens.dropFirst())
    var e = Expectation()
    switch first.key {
    case "show":
      if rest.isEmpty { e.keywords = showTargets }
    case "describe":
      if rest.isEmpty {
        e.tables = true
        e.metrics = true
        e.dimensions = true
        e.segments = true
      }
    case "sample":
      if rest.isEmpty { e.tables = true }
    case "set":
      if rest.isEmpty {
        e.settings = true
      } else if rest.count == 1, rest[0].kind == .word {
        e.settingValuesOf = rest[0].key
      }
    case "help":
      if rest.isEmpty { e.helpTopics = true }
    case "define":
      return defineExpectation(rest, vocabulary: vocabulary)
    case "last":
      if rest.isEmpty {
        e.keywords = ["chart"]
      } else if rest.count == 1, rest[0].key == "chart" {
        e.chartKinds = true
      }
    case "explain":
      if rest.isEmpty {
        e.keywords = ["bottom", "top"]
        e.metrics = true
        return Outcome(expectation: e)
      }
      return queryExpectation(rest, vocabulary: vocabulary)
    case "schema", "tutorial", "quit", "clear", "load", "run":
      break
    default:
      return queryExpectation(tokens, vocabulary: vocabulary)
    }
    return Outcome(expectation: e)
  }

  private static func defineExpectation(
    _ tokens: [Token], vocabulary: CompletionVocabulary
  ) -> Outcome {
    var e = Expectation()
    guard let kind = tokens.first else {
      e.keywords = ["metric", "segment"]
      return Outcome(expectation: e)
    }
    // define metric NAME = EXPR / define segment NAME = CONDITION
    guard tokens.count >= 3, tokens[2].isOp("=") else { return Outcome(expectation: e) }
    let body = Array(tokens.dropFirst(3))
    if kind.key == "segment" {
      var machine = ConditionMachine(isHaving: false)
      for token in body { machine.feed(token) }
      return Outcome(
        expectation: machine.expectation(followers: []),
        isAfterConditionOperand: machine.isAfterOperand)
    }
    if kind.key == "metric" {
      if body.last.map({ $0.kind == .op }) ?? true { e.metrics = true }
    }
    return Outcome(expectation: e)
  }

  private enum Clause {
    case metrics, by, whereClause, having, order, orderKeys, limit, chart, redirect
  }

  /// A query: `[top N] metrics [by dims] [where c] [having c] [order by ...] [limit N]
  /// [chart K]`.
  private static func queryExpectation(_ all: [Token], vocabulary: CompletionVocabulary)
    -> Outcome
  {
    var tokens = all[...]
    var isTop = false
    if let first = tokens.first, first.key == "top" || first.key == "bottom" {
      isTop = true
      tokens = tokens.dropFirst()
      // `top N`: nothing to offer for N itself.
      guard !tokens.isEmpty else { return Outcome(expectation: .nothing) }
      tokens = tokens.dropFirst()
    }

    var clause = Clause.metrics
    var expectingItem = true  // at the start of a list or after a comma
    var afterSortDirection = false
    var chartKindSeen = false
    var limitSeen = false
    var condition = ConditionMachine(isHaving: false)
    var queryNames: [String] = []

    for token in tokens {
      // Clause keywords switch clauses wherever a clause could end.
      if token.kind == .word, !condition.swallowsKeyword(token.key, active: isCondition(clause))
      {
        switch token.key {
        case "by" where clause == .metrics:
          clause = .by
          expectingItem = true
          continue
        case "by" where clause == .order:
          clause = .orderKeys
          expectingItem = true
          continue
        case "where":
          clause = .whereClause
          condition = ConditionMachine(isHaving: false)
          continue
        case "having":
          clause = .having
          condition = ConditionMachine(isHaving: true)
          continue
        case "order":
          clause = .order
          continue
        case "limit":
          clause = .limit
          limitSeen = false
          continue
        case "chart":
          clause = .chart
          chartKindSeen = false
          continue
        default:
          break
        }
      }
      if token.isOp(">") || token.isOp(">>") {
        if !(isCondition(clause) && condition.isAfterOperand) {
          clause = .redirect
          continue
        }
      }
      switch clause {
      case .metrics, .by:
        if token.isOp(",") {
          expectingItem = true
        } else if token.kind == .word {
          expectingItem = false
          queryNames.append(token.key)
        }
      case .whereClause, .having:
        condition.feed(token)
      case .order:
        break
      case .orderKeys:
        if token.isOp(",") {
          expectingItem = true
          afterSortDirection = false
        } else if token.key == "asc" || token.key == "desc" {
          afterSortDirection = true
        } else if token.kind == .word {
          expectingItem = false
          afterSortDirection = false
        }
      case .limit:
        limitSeen = true
      case .chart:
        chartKindSeen = true
      case .redirect:
        break
      }
    }

    var e = Expectation()
    switch clause {
    case .metrics:
      if expectingItem {
        e.metrics = true
        e.dimensions = isTop
      } else {
        e.keywords = clauseKeywords
      }
    case .by:
      if expectingItem {
        e.dimensions = true
        e.metrics = isTop
      } else {
        e.keywords = Array(clauseKeywords.dropFirst())
      }
    case .whereClause:
      let outcome = condition.expectation(followers: ["having", "order", "limit", "chart"])
      return Outcome(expectation: outcome, isAfterConditionOperand: condition.isAfterOperand)
    case .having:
      let outcome = condition.expectation(followers: ["order", "limit", "chart"])
      return Outcome(expectation: outcome, isAfterConditionOperand: condition.isAfterOperand)
    case .order:
      e.keywords = ["by"]
    case .orderKeys:
      if expectingItem {
        // Order keys are the query's own columns.
        e.keywords = queryNames
        if queryNames.isEmpty { e.metrics = true }
      } else if afterSortDirection {
        e.keywords = ["limit", "chart"]
      } else {
        e.keywords = ["asc", "desc", "limit", "chart"]
      }
    case .limit:
      if limitSeen { e.keywords = ["chart"] }
    case .chart:
      if !chartKindSeen { e.chartKinds = true }
    case .redirect:
      break
    }
    return Outcome(expectation: e)
  }

  private static func isCondition(_ clause: Clause) -> Bool {
    clause == .whereClause || clause == .having
  }
}

/// Tracks the position inside a `where` / `having` / segment condition.
struct ConditionMachine {
  enum State: Equatable {
    /// A name (dimension, segment; metric in having) may come.
    case operand
    /// After a name: an operator, `in`, `not in`, `between`.
    case afterOperand(String)
    /// After `name not`: `in`.
    case afterNot(String)
    /// After `in` / `not in`: `(`.
    case afterIn(String)
    /// After a comparison operator or `between` / `and` of between: a value.
    case value(String, betweenPending: Bool)
    /// After the low value of `between`: `and`.
    case betweenAnd(String)
    /// Inside `in (…)`: a value may come.
    case listValue(String)
    /// Inside `in (…)` after a value: `,` or `)`.
    case afterListValue(String)
    /// After a complete comparison: `and`, `or`, `)`, or the next clause.
    case afterComparison
  }

  let isHaving: Bool
  var state = State.operand

  init(isHaving: Bool) { self.isHaving = isHaving }

  var isAfterOperand: Bool {
    if case .afterOperand = state { return true }
    return false
  }

  /// Whether `keyword` is part of the condition here rather than the start of a clause.
  func swallowsKeyword(_ keyword: String, active: Bool) -> Bool {
    guard active else { return false }
    switch state {
    case .value, .listValue: return true  // a value that happens to read `order`
    default: return false
    }
  }

  mutating func feed(_ token: Lexer.Token) {
    let key = token.key
    switch state {
    case .operand:
      if key == "not" || token.isOp("(") {
        state = .operand
      } else if token.kind == .word {
        state = .afterOperand(key)
      }
    case .afterOperand(let name):
      if token.kind == .op, ["=", "!=", "<", "<=", ">", ">=", "~"].contains(token.text) {
        state = .value(name, betweenPending: false)
      } else if key == "in" {
        state = .afterIn(name)
      } else if key == "not" {
        state = .afterNot(name)
      } else if key == "between" {
        state = .value(name, betweenPending: true)
      } else if key == "and" || key == "or" {
        state = .operand  // a segment name followed by and/or
      } else if token.isOp(")") {
        state = .afterComparison
      } else {
        state = .afterComparison
      }
    case .afterNot(let name):
      state = key == "in" ? .afterIn(name) : .afterComparison
    case .afterIn(let name):
      state = token.isOp("(") ? .listValue(name) : .afterComparison
    case .value(let name, let betweenPending):
      state = betweenPending ? .betweenAnd(name) : .afterComparison
    case .betweenAnd(let name):
      state = key == "and" ? .value(name, betweenPending: false) : .afterComparison
    case .listValue(let name):
      if token.isOp(")") {
        state = .afterComparison
      } else if !token.isOp(",") {
        state = .afterListValue(name)
      }
    case .afterListValue(let name):
      if token.isOp(",") {
        state = .listValue(name)
      } else if token.isOp(")") {
        state = .afterComparison
      }
    case .afterComparison:
      if key == "and" || key == "or" || key == "not" || token.isOp("(") {
        state = .operand
      }
    }
  }

  /// Candidates here; `followers` are the clause keywords that may follow the condition.
  func expectation(followers: [String]) -> Expectation {
    var e = Expectation()
    switch state {
    case .operand:
      if isHaving {
        e.metrics = true
      } else {
        e.dimensions = true
        e.dateName = true
        e.segments = true
        e.keywords = ["not"]
      }
    case .afterOperand:
      e.keywords = isHaving ? ["between", "not"] : ["between", "in", "not"]
      e.keywords += ["and", "or"] + followers
    case .afterNot:
      e.keywords = ["in"]
    case .afterIn:
      break
    case .value(let name, _), .listValue(let name):
      if !isHaving { e.valuesOf = Dimensions.singular(name) }
    case .betweenAnd:
      e.keywords = ["and"]
    case .afterListValue:
      break
    case .afterComparison:
      e.keywords = ["and", "or"] + followers
    }
    return e
  }
}

/// Dimension name normalisation for value lookup.
enum Dimensions {
  /// `campaigns` → `campaign`, `categories` → `category`, `bases` → `basis`,
  /// `statuses` → `status`, `date` → `day`; lower-cased.
  static func singular(_ name: String) -> String {
    let lower = name.lowercased()
    switch lower {
    case "date", "dates": return "day"
    case "bases": return "basis"
    case "statuses": return "status"
    case "basis", "status": return lower
    default: break
    }
    if lower.hasSuffix("ies") { return String(lower.dropLast(3)) + "y" }
    if lower.hasSuffix("ses") || lower.hasSuffix("xes") { return String(lower.dropLast(2)) }
    if lower.hasSuffix("s"), !lower.hasSuffix("ss") { return String(lower.dropLast()) }
    return lower
  }
}

// MARK: - Files

enum Files {
  /// Names in the folder `word` points into that start with its last component.
  ///
  /// Keeps the folder part as typed (`~/da` → `~/data/`); folders end in `/`; names that need
  /// it are quoted (a closing quote only for files, so a folder can be continued).
  static func candidates(for typed: String, directoriesOnly: Bool, currentDirectory: String)
    -> [String]
  {
    let quoted = typed.hasPrefix("\"")
    let word = quoted ? String(typed.dropFirst()) : typed
    let folderPart: String
    let namePrefix: String
    if let slash = word.lastIndex(of: "/") {
      folderPart = String(word[...slash])
      namePrefix = String(word[word.index(after: slash)...])
    } else if word == "~" {
      // `~` alone completes to the home folder itself.
      return [word + "/"]
    } else {
      folderPart = ""
      namePrefix = word
    }
    let folder = resolve(folderPart, currentDirectory: currentDirectory)
    let fileManager = FileManager.default
    guard let names = try? fileManager.contentsOfDirectory(atPath: folder) else { return [] }
    var result: [String] = []
    for name in names.sorted() where Text.hasPrefix(name, namePrefix) {
      if name.hasPrefix("."), !namePrefix.hasPrefix(".") { continue }
      var isDirectory: ObjCBool = false
      let full = folder + (folder.hasSuffix("/") ? "" : "/") + name
      guard fileManager.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
      if directoriesOnly, !isDirectory.boolValue { continue }
      let path = folderPart + name
      let needsQuotes = quoted || path.contains(where: { $0 == " " || $0 == "\"" || $0 == ";" })
      if isDirectory.boolValue {
        result.append((needsQuotes ? "\"" : "") + path + "/")
      } else {
        result.append(needsQuotes ? "\"" + path + "\"" : path)
      }
    }
    return result
  }

  /// The folder a typed folder part names: `~` expanded, relative to `currentDirectory`.
  static func resolve(_ folderPart: String, currentDirectory: String) -> String {
    var path = folderPart
    if path == "~" || path.hasPrefix("~/") {
      let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
      path = home + path.dropFirst()
    }
    if path.isEmpty { return currentDirectory }
    if path.hasPrefix("/") { return path }
    return currentDirectory + (currentDirectory.hasSuffix("/") ? "" : "/") + path
  }
}

// MARK: - Listing

/// Lays out completion candidates in columns, as bash does on a second Tab.
public enum CompletionLayout {
  /// The candidates in column-major order (down, then across), fitted to `width`.
  ///
  /// Every line ends with a newline. More than `limit` candidates are cut, with a last line
  /// saying how many more there are.
  ///
  /// - Complexity: O(*n*) in the number of candidates shown.
  public static func columns(_ words: [String], width: Int, limit: Int = 300) -> String {
    guard !words.isEmpty else { return "" }
    let shown = Array(words.prefix(max(1, limit)))
    let widest = shown.map(\.count).max() ?? 0
    let columnWidth = widest + 2
    let columnCount = max(1, min(shown.count, (max(width, 1) + 2) / columnWidth))
    let rowCount = (shown.count + columnCount - 1) / columnCount
    var out = ""
    for row in 0..<rowCount {
      var line = ""
      for column in 0..<columnCount {
        let index = column * rowCount + row
        guard index < shown.count else { break }
        let word = shown[index]
        let isLast = column == columnCount - 1 || (column + 1) * rowCount + row >= shown.count
        line += isLast ? word : word + String(repeating: " ", count: columnWidth - word.count)
      }
      out += line + "\n"
    }
    if words.count > shown.count {
      out += "… and \(words.count - shown.count) more: type more letters\n"
    }
    return out
  }
}
