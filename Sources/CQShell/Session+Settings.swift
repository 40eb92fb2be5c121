import CQEngine
import CQLanguage
import CQRendering
import CQStorage

extension Session {
  /// Every setting `set` knows, with what it does.
  public static let settingNames: [(name: String, values: String, summary: String)] = [
    ("allocation", "orders | revenue", "weights that spread payouts over tracking rows"),
    ("ascii", "on | off", "plain ASCII tables and charts"),
    ("color", "auto | on | off", "ANSI colour on a terminal (never in files or pipes, or with NO_COLOR)"),
    ("currency", "SYMBOL", "symbol shown before money in tables (default ₹)"),
    ("display", DisplayMode.allCases.map(\.rawValue).joined(separator: " | "), "tables as boxes, or each row as a -[ RECORD n ]- block of column | value lines (vertical); auto: vertical when the table is wider than the terminal"),
    ("echo", "on | off", "write each statement of a script or -c before its result, as -- STATEMENT (--echo)"),
    ("format", OutputFormat.allCases.map(\.rawValue).joined(separator: " | "), "output format of results"),
    ("grouping", "western | indian", "thousands separators: 1,787,981 or 17,87,981"),
    ("pager", PagerMode.allCases.map(\.rawValue).joined(separator: " | "), "results on a terminal through $PAGER (default less -SRF); auto: when taller than the screen"),
    ("param", "NAME VALUE", "a script parameter: $NAME in statements stands for VALUE (--param NAME=VALUE; show params)"),
    ("rows", "N | all", "rows a terminal table shows before eliding the middle"),
    ("tiers", "N N N N | default", "follower thresholds between nano, micro, mid, macro, mega"),
    ("timer", "on | off", "show row count and elapsed time under each table"),
    ("totals", "on | off", "add a totals row (ratios recomputed from sums)"),
    ("width", "N | auto", "table and chart width on a terminal"),
  ]

  func settingValue(_ name: String) -> String {
    switch name {
    case "allocation": engine?.settings.allocation.rawValue ?? "orders"
    case "ascii": settings.ascii ? "on" : "off"
    case "color": settings.colorMode
    case "currency": settings.currency
    case "display": settings.display.rawValue
    case "echo": settings.echo ? "on" : "off"
    case "format": settings.format.rawValue
    case "grouping": settings.grouping.rawValue
    case "pager": settings.pager.rawValue
    case "param": parameters.isEmpty ? "(none)" : parameters.map { "\($0.name)=\(Session.spelled($0.value))" }.joined(separator: " ")
    case "rows": settings.rows.map { $0 == .max ? "all" : String($0) } ?? "\(RenderOptions.terminalDefaultMaxRows)"
    case "tiers": engine?.settings.tiers.description ?? Tiers.standard.description
    case "timer": settings.timer ? "on" : "off"
    case "totals": settings.totals ? "on" : "off"
    case "width": settings.width.map(String.init) ?? "auto"
    default: ""
    }
  }

  func settingsTable() -> ResultSet {
    ResultSet(
      columns: [
        ResultColumn(name: "setting", role: .plain, format: .text),
        ResultColumn(name: "value", role: .plain, format: .text),
        ResultColumn(name: "values", role: .plain, format: .text),
        ResultColumn(name: "meaning", role: .plain, format: .text),
      ],
      rows: Session.settingNames.map { [.text($0.name), .text(settingValue($0.name)), .text($0.values), .text($0.summary)] })
  }

  func applySetting(_ name: NameRef, value: NameRef?) throws {
    let key = name.key
    guard let entry = Session.settingNames.first(where: { $0.name == key }) else {
      let guess = suggestion(for: key, among: Session.settingNames.map(\.name))
      throw SessionError(
        message: "unknown setting '\(name.text)'" + (guess.map { " (did you mean '\($0)'?)" } ?? "")
          + "; settings: " + Session.settingNames.map(\.name).joined(separator: ", "), status: 3, range: name.range)
    }
    if key == "param" {
      try applyParameter(value?.text.trimmingCharacters(in: .whitespaces), range: value?.range ?? name.range)
      return
    }
    guard let value, case let raw = value.text.trimmingCharacters(in: .whitespaces), !raw.isEmpty else {
      writeOut("\(key) = \(settingValue(key))    (\(entry.values): \(entry.summary))\n")
      return
    }
    let v = raw.lowercased()
    let valueRange = value.range
    func bad() -> SessionError {
      SessionError(message: "'\(raw)' is not a value of '\(key)'; expected \(entry.values)", status: 3, range: valueRange)
    }
    func onOff() throws -> Bool {
      switch v {
      case "on", "true", "yes", "1": return true
      case "off", "false", "no", "0": return false
      default: throw bad()
      }
    }
    /// The value of an enumerated setting, spelt as its raw value.
    func pick<T: RawRepresentable>(_: T.Type) throws -> T where T.RawValue == String {
      guard let value = T(rawValue: v) else { throw bad() }
      return value
    }
    switch key {
    case "allocation": try requireEngine().settings.allocation = try pick(AllocationWeight.self)
    case "ascii": settings.ascii = try onOff()
    case "color":
      guard ["auto", "on", "off", "always", "never"].contains(v) else { throw bad() }
      settings.colorMode = v
    case "currency": settings.currency = raw
    case "pager": settings.pager = try pick(PagerMode.self)
    case "display": settings.display = try pick(DisplayMode.self)
    case "echo": settings.echo = try onOff()
    case "format": settings.format = try pick(OutputFormat.self)
    case "grouping": settings.grouping = try pick(Grouping.self)
    case "rows":
      if v == "all" {
        settings.rows = .max
      } else {
        guard let n = Int(v), n > 0 else { throw bad() }
        settings.rows = n
      }
    case "tiers":
      guard let t = Tiers.parse(raw) else {
        throw SessionError(
          message: "'set tiers' takes four increasing follower counts, e.g. 'set tiers 10k 50k 500k 1M', or 'default'", status: 3,
          range: valueRange)
      }
      try requireEngine().settings.tiers = t
    case "timer": settings.timer = try onOff()
    case "totals": settings.totals = try onOff()
    case "width":
      if v == "auto" {
        settings.width = nil
      } else {
        guard let n = Int(v), n >= 20, n <= 10_000 else {
          throw SessionError(message: "'set width' takes a number of columns from 20 to 10000, or 'auto'", status: 3, range: valueRange)
        }
        settings.width = n
      }
    default: throw bad()
    }
    if options.interactive { writeErr("\(key) = \(settingValue(key))\n") }
  }
}
