import CQEngine
import CQLanguage
import CQRendering

/// A setting `set NAME VALUE` changes: its name, the values it takes with their spellings, what
/// it means, and how it applies.
///
/// ``Setting/all`` is the one list `set`, `show settings`, `help set`, Tab completion and
/// `save` read; a setting added there is added everywhere.
///
/// ```
/// set format csv
/// set color never
/// set tiers 5k 20k 2L 1M
/// ```
///
/// ## Topics
/// - ``Choice``
/// - ``Values``
/// - ``all``
/// - ``named(_:)``
/// - ``valuesText``
/// - ``offered``
public struct Setting: Sendable {
  /// One value of an enumerated setting: its name and other spellings `set` accepts for it.
  public struct Choice: Sendable, Equatable {
    /// The value as `show settings`, `help set` and Tab spell it.
    public var name: String
    /// Other words accepted for it (`on` for `always`).
    public var synonyms: [String]

    /// A value called `name`, also spelt as `synonyms`.
    public init(_ name: String, synonyms: [String] = []) {
      self.name = name
      self.synonyms = synonyms
    }
  }

  /// What a setting takes.
  public enum Values: Sendable {
    /// One of these words.
    case choices([Choice])
    /// A value of the form described (`N | auto`); `offered` are its words Tab offers.
    case form(String, offered: [String])
  }

  /// The name after `set`.
  public let name: String
  /// The values it takes.
  public let values: Values
  /// What it does, in one line (`show settings`).
  public let summary: String
  /// What it does, for `help set` (the summary when nil).
  let detail: String?
  /// The value in force, as `set NAME VALUE` would spell it.
  let current: @Sendable (Session) -> String
  /// Applies a value: the canonical choice for enumerated settings, else the value as typed.
  let apply: @Sendable (Session, _ value: String, _ range: SourceRange) throws -> Void

  /// The values for people: choices joined by ` | `, or the form.
  public var valuesText: String {
    switch values {
    case .choices(let choices): choices.map(\.name).joined(separator: " | ")
    case .form(let form, _): form
    }
  }

  /// The words Tab offers after `set NAME `.
  public var offered: [String] {
    switch values {
    case .choices(let choices): choices.map(\.name)
    case .form(_, let offered): offered
    }
  }

  /// The choice `word` spells (any case, a synonym included); nil when it spells none.
  func choice(_ word: String) -> String? {
    guard case .choices(let choices) = values else { return nil }
    let key = word.lowercased()
    return choices.first { $0.name == key || $0.synonyms.contains(key) }?.name
  }

  /// The setting called `name` (any case).
  public static func named(_ name: String) -> Setting? {
    let key = name.lowercased()
    return all.first { $0.name == key }
  }

  /// Choices named by an enumeration's raw values.
  static func choices<T: CaseIterable & RawRepresentable>(_: T.Type) -> Values
  where T.RawValue == String {
    .choices(T.allCases.map { Choice($0.rawValue) })
  }

  /// `on | off`, also spelt `true`/`yes`/`1` and `false`/`no`/`0`.
  static let onOff = Values.choices([
    Choice("on", synonyms: ["true", "yes", "1"]), Choice("off", synonyms: ["false", "no", "0"]),
  ])

  /// A switch: `on | off` into `keyPath` of the session's settings.
  static func toggle(
    _ name: String, _ keyPath: WritableKeyPath<SessionSettings, Bool> & Sendable,
    summary: String, detail: String? = nil
  ) -> Setting {
    Setting(
      name: name, values: onOff, summary: summary, detail: detail,
      current: { $0.settings[keyPath: keyPath] ? "on" : "off" },
      apply: { session, value, _ in session.settings[keyPath: keyPath] = value == "on" })
  }

  /// An enumerated setting read into `keyPath` of the session's settings from `T`'s raw values.
  static func enumerated<T: CaseIterable & RawRepresentable & Sendable>(
    _ name: String, _ keyPath: WritableKeyPath<SessionSettings, T> & Sendable,
    summary: String, detail: String? = nil
  ) -> Setting where T.RawValue == String {
    Setting(
      name: name, values: choices(T.self), summary: summary, detail: detail,
      current: { $0.settings[keyPath: keyPath].rawValue },
      apply: { session, value, _ in
        if let parsed = T(rawValue: value) { session.settings[keyPath: keyPath] = parsed }
      })
  }

  /// Every setting, by name.
  public static let all: [Setting] = [
    Setting(
      name: "allocation", values: choices(AllocationWeight.self),
      summary: "weights that spread payouts over tracking rows",
      detail: "how payouts are spread over tracking rows (help allocation)",
      current: { $0.engine?.settings.allocation.rawValue ?? AllocationWeight.orders.rawValue },
      apply: { session, value, _ in
        if let weight = AllocationWeight(rawValue: value) {
          try session.requireEngine().settings.allocation = weight
        }
      }),
    toggle(
      "ascii", \.ascii, summary: "plain ASCII tables and charts",
      detail: "plain ASCII charts and borders instead of Unicode"),
    Setting(
      name: "color",
      values: .choices(
        ColorMode.allCases.map { mode in
          Choice(
            mode.rawValue,
            synonyms: ColorMode.synonyms.filter { $0.value == mode }.map(\.key).sorted())
        }),
      summary: "ANSI colour on a terminal (never in files or pipes, or with NO_COLOR)",
      detail:
        "ANSI colour (never when NO_COLOR is set or output is not a terminal, unless always; on and off mean always and never)",
      current: { $0.settings.colorMode.rawValue },
      apply: { session, value, _ in
        if let mode = ColorMode(rawValue: value) { session.settings.colorMode = mode }
      }),
    Setting(
      name: "currency", values: .form("SYMBOL", offered: []),
      summary: "symbol shown before money (default ₹)",
      detail:
        "the symbol before money in tables, charts, explain, describe and notes (default ₹); amounts are always rupees",
      current: { $0.settings.currency },
      apply: { session, value, _ in session.settings.currency = value }),
    enumerated(
      "display", \.display,
      summary:
        "tables as boxes, or each row as a -[ RECORD n ]- block of column | value lines (vertical); auto: vertical when the table is wider than the terminal",
      detail:
        "vertical shows each row as a block of 'column | value' lines headed -[ RECORD n ]- (psql's \\x); auto does so when a table is wider than the terminal"
    ),
    toggle(
      "echo", \.echo,
      summary: "write each statement of a script or -c before its result, as -- STATEMENT (--echo)",
      detail:
        "write each statement of a script or -c before its result, as a line '-- STATEMENT' (--echo)"
    ),
    Setting(
      name: "engine", values: .form("postgres://USER@HOST:PORT/DB", offered: []),
      summary:
        "run on a database instead of the data folder (--engine; password from PGPASSWORD or ~/.pgpass)",
      detail:
        "connect to a PostgreSQL or Citus database and run every later statement there (SPEC §8; help engine in the README's 'Beyond one machine'); the password comes from PGPASSWORD or ~/.pgpass, never the statement",
      current: { session in
        session.engine?.engineDescription.map { _ in session.dataFolder ?? "" } ?? "memory"
      },
      apply: { session, value, _ in
        guard Session.isEngineURL(value) else {
          throw SessionError(
            message:
              "'set engine' takes a database URL such as postgres://analyst@db.internal:5432/campaigns",
            status: 3)
        }
        guard session.connect(engine: value) else {
          throw SessionError(
            message: "still using \(session.dataFolder ?? "the data loaded before")", status: 4)
        }
      }),
    enumerated(
      "format", \.format, summary: "output format of results",
      detail: "output format of results (help formats)"),
    enumerated(
      "grouping", \.grouping, summary: "thousands separators: 1,787,981 or 17,87,981",
      detail: "thousands separators: 1,787,981 or 17,87,981 (lakh, crore)"),
    enumerated(
      "pager", \.pager,
      summary:
        "results on a terminal through $PAGER (default less -SRF); auto: when taller than the screen",
      detail:
        "results on a terminal go through $PAGER (else less -SRF); auto: only those taller than the screen; never a pipe or a file. CQ_PAGER wins over PAGER; an empty one: no pager"
    ),
    Setting(
      name: "param", values: .form("NAME VALUE", offered: []),
      summary:
        "a script parameter: $NAME in statements stands for VALUE (--param NAME=VALUE; show params)",
      detail: "$NAME in later statements stands for VALUE (--param NAME=VALUE; help run)",
      current: { session in
        session.parameters.isEmpty
          ? "(none)"
          : session.parameters.map { "\($0.name)=\(Quoting.spell($0.value))" }.joined(
            separator: " ")
      },
      apply: { session, value, range in try session.applyParameter(value, range: range) }),
    Setting(
      name: "rows", values: .form("N | all", offered: ["all"]),
      summary: "rows a terminal table shows before eliding the middle",
      detail: "how many rows a table shows on a terminal",
      current: { session in
        session.settings.rows.map { $0 == .max ? "all" : String($0) }
          ?? "\(RenderOptions.terminalDefaultMaxRows)"
      },
      apply: { session, value, range in
        if value.lowercased() == "all" {
          session.settings.rows = .max
        } else {
          guard let n = NumberLiteral.integer(of: value), n > 0 else {
            throw SessionError(
              message: "'\(value)' is not a value of 'rows'; expected N | all", status: 3,
              range: range)
          }
          session.settings.rows = n
        }
      }),
    Setting(
      name: "tiers", values: .form("N N N N | default", offered: ["default"]),
      summary: "follower thresholds between nano, micro, mid, macro, mega",
      detail: "follower thresholds of nano/micro/mid/macro/mega (default 10k 50k 500k 1M)",
      current: { $0.engine?.settings.tiers.description ?? Tiers.standard.description },
      apply: { session, value, range in
        guard let tiers = Tiers.parse(value) else {
          throw SessionError(
            message:
              "'set tiers' takes four increasing follower counts, e.g. 'set tiers 10k 50k 500k 1M', or 'default'",
            status: 3, range: range)
        }
        try session.requireEngine().settings.tiers = tiers
      }),
    toggle(
      "timer", \.timer, summary: "show row count and elapsed time under each table",
      detail: "row count and elapsed time under each table"),
    toggle(
      "totals", \.totals, summary: "add a totals row (ratios recomputed from sums)",
      detail: "add a totals row; ratios in it are recomputed sum/sum"),
    Setting(
      name: "width", values: .form("N | auto", offered: ["auto"]),
      summary: "table and chart width on a terminal",
      detail:
        "the width tables are fitted to on a terminal; wider tables are cut with a marker saying what is hidden",
      current: { $0.settings.width.map(String.init) ?? "auto" },
      apply: { session, value, range in
        if value.lowercased() == "auto" {
          session.settings.width = nil
        } else {
          guard let n = NumberLiteral.integer(of: value), n >= 20, n <= 10_000 else {
            throw SessionError(
              message: "'set width' takes a number of columns from 20 to 10000, or 'auto'",
              status: 3, range: range)
          }
          session.settings.width = n
        }
      }),
  ]

  /// `help set`'s list: each setting, its values and what it does, wrapped to 88 columns.
  static var helpList: String {
    var lines: [String] = []
    for setting in all {
      let head = "  " + setting.name.padding(toLength: 12, withPad: " ", startingAt: 0)
      let text = setting.valuesText + " — " + (setting.detail ?? setting.summary)
      lines += TextWrap.hanging(text, after: head, width: 88)
    }
    return lines.joined(separator: "\n")
  }
}

/// When results are coloured (`set color`, `--color`): SPEC §5's `always | never | auto`.
///
/// ```
/// set color never
/// cq --color always -c 'roas by brand' | less -R
/// ```
public enum ColorMode: String, CaseIterable, Sendable {
  /// Colour on a terminal, unless `NO_COLOR` is set.
  case auto
  /// Colour even into a pipe (never into a file).
  case always
  /// No colour.
  case never

  /// Other spellings `set color` and `--color` accept.
  public static let synonyms: [String: ColorMode] = ["on": .always, "off": .never]

  /// The mode `spelling` names (any case, a synonym included); nil for any other word.
  public init?(spelling: String) {
    let key = spelling.lowercased()
    guard let mode = ColorMode(rawValue: key) ?? ColorMode.synonyms[key] else { return nil }
    self = mode
  }
}
