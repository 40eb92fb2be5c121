import CQStorage

/// How cells become text: for people (tables, charts, markdown) and for programs (csv, json).
///
/// People: money `₹1,23,456.70`, integers grouped, `.percent` `6.76%`, `.multiple` `3.42x`,
/// `.decimal` two decimals grouped, no value `–`. Programs: no symbols or separators, money in
/// rupees with exactly two decimals, ratios at full precision (`0.0676`), no value empty.
struct ValueFormatter: Sendable {
  var grouping: Grouping
  var currencySymbol: String
  /// The dash shown for no value.
  var emptyText: String = "–"

  init(options: RenderOptions) {
    grouping = options.grouping
    currencySymbol = options.currencySymbol
    emptyText = options.ascii ? "-" : "–"
  }

  // MARK: People

  /// The text a person sees for `value` in a column of `format`.
  func display(_ value: Value, format: ValueFormat) -> String {
    switch value {
    case .empty:
      return emptyText
    case .text(let s):
      return s
    case .paise(let p):
      if format == .integer || format == .decimal {
        return DecimalText(p, scale: 2).fixed(places: 2, grouping: grouping)
      }
      return money(DecimalText(p, scale: 2))
    case .integer(let i):
      return display(decimal: DecimalText(i), format: format, isInteger: true)
    case .number(let d):
      guard let decimal = DecimalText(d) else { return emptyText }
      return display(decimal: decimal, format: format, isInteger: false)
    }
  }

  private func display(decimal: DecimalText, format: ValueFormat, isInteger _: Bool) -> String {
    switch format {
    case .money: return money(decimal)
    case .percent:
      // Two decimals, or two significant digits below 0.1% (conversion_rate is 0.0031%, not
      // a misleading 0.00%).
      let percent = decimal.shifted(by: 2)
      let places = percent.isZero || percent.pointIndex > -1 ? 2 : min(6, 2 - percent.pointIndex)
      return percent.fixed(places: places, grouping: grouping) + "%"
    case .multiple: return decimal.fixed(places: 2, grouping: grouping) + "x"
    case .decimal: return decimal.fixed(places: 2, grouping: grouping)
    case .integer: return decimal.fixed(places: 0, grouping: grouping)
    case .text, .date: return decimal.plain
    }
  }

  /// `₹1,234.50`, `-₹12.00`.
  func money(_ decimal: DecimalText, places: Int = 2) -> String {
    let text = decimal.fixed(places: places, grouping: grouping)
    if text.hasPrefix("-") { return "-" + currencySymbol + text.dropFirst() }
    return currencySymbol + text
  }

  /// A short label for an axis tick or a bin edge: like `display`, with `places` decimals and
  /// trailing zeros dropped (`₹1,000`, `6.5%`, `3.4x`); money has 0 or 2 decimals (`₹0.50`).
  func axis(_ value: Double, format: ValueFormat, places: Int) -> String {
    guard let decimal = DecimalText(value) else { return emptyText }
    switch format {
    case .money:
      // Whole rupees when the step allows, else rupees and paise (`₹0.50`, never `₹0.5`).
      let text = decimal.fixed(places: places == 0 ? 0 : 2, grouping: grouping)
      return text.hasPrefix("-") ? "-" + currencySymbol + text.dropFirst() : currencySymbol + text
    case .percent:
      return NumberText.trimZeros(
        decimal.shifted(by: 2).fixed(places: max(0, places - 2), grouping: grouping))
        + "%"
    case .multiple:
      return NumberText.trimZeros(decimal.fixed(places: places, grouping: grouping)) + "x"
    default:
      return NumberText.trimZeros(decimal.fixed(places: places, grouping: grouping))
    }
  }

  /// Whether a cell shows a number below zero (for red colouring).
  static func isNegative(_ value: Value) -> Bool {
    switch value {
    case .integer(let i): i < 0
    case .paise(let p): p < 0
    case .number(let d): d < 0
    case .text, .empty: false
    }
  }

  /// Whether a column of `format` is right-aligned.
  static func isNumeric(_ format: ValueFormat) -> Bool {
    switch format {
    case .integer, .money, .multiple, .percent, .decimal: true
    case .text, .date: false
    }
  }

  // MARK: Programs

  /// A machine cell: text, or a number as a JSON-compatible literal; `nil` for no value.
  enum MachineCell: Equatable {
    case text(String)
    case number(String)
  }

  /// The value as programs get it (raw numbers, rupees with two decimals for money).
  static func machine(_ value: Value, format: ValueFormat) -> MachineCell? {
    switch value {
    case .empty:
      return nil
    case .text(let s):
      return .text(s)
    case .paise(let p):
      return .number(DecimalText(p, scale: 2).fixed(places: 2))
    case .integer(let i):
      return .number(format == .money ? DecimalText(i).fixed(places: 2) : String(i))
    case .number(let d):
      guard let decimal = DecimalText(d) else { return nil }
      switch format {
      case .money: return .number(decimal.fixed(places: 2))
      default: return .number(decimal.plain)
      }
    }
  }
}
