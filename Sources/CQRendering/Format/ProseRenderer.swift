import CQStorage

/// Turns ``Prose`` (`explain`, `describe`, footnotes, notes) into text with the formatter of
/// table cells: the currency of `set currency`, the grouping of `set grouping`, cq's marks
/// in ASCII under `--ascii`.
///
/// ```
/// set currency €
/// explain roas by campaign
/// ```
/// ```
/// ROAS = €4.1L revenue ÷ €1.3L payout = 3.15x over 4,123 tracked orders in 12 campaign groups
/// ```
public enum ProseRenderer {
  /// The text of `prose` under `options` (its width is not used: callers wrap).
  ///
  /// - Complexity: O(*n*) in the length of the text.
  public static func render(_ prose: Prose, options: RenderOptions) -> String {
    let formatter = ValueFormatter(options: options)
    var text = ""
    for segment in prose.segments {
      switch segment {
      case .text(let words): text += words
      case .cell(let value, let format): text += formatter.display(value, format: format)
      case .brief(let value, let format): text += formatter.brief(value, format: format)
      case .signedPercent(let fraction): text += formatter.signedPercent(fraction)
      case .raw(let value): text += formatter.raw(value)
      }
    }
    return options.marks(text)
  }

  /// Each of `lines` rendered under `options`.
  public static func render(_ lines: [Prose], options: RenderOptions) -> [String] {
    lines.map { render($0, options: options) }
  }
}

extension ValueFormatter {
  /// A figure as a sentence says it: money short (`₹4.1L`, `₹2.3Cr`, `₹12k`, `₹12.50`),
  /// counts short (`12,345`, `1.2 lakh`, `3.4 crore`), rates and ratios as in a table cell,
  /// other numbers with two decimals.
  func brief(_ value: Value, format: ValueFormat) -> String {
    switch value {
    case .empty: return emptyText
    case .text(let s): return s
    case .paise(let p): return shortMoney(DecimalText(p, scale: 2))
    case .integer(let i): return shortCount(DecimalText(i))
    case .number(let d):
      guard let decimal = DecimalText(d) else { return emptyText }
      switch format {
      case .money: return shortMoney(decimal)
      case .multiple, .percent: return display(value, format: format)
      default: return decimal.fixed(places: 2, grouping: grouping)
      }
    }
  }

  /// Rupees rounded to one decimal of crores, lakhs or thousands (`₹4.1L`, `-₹2k`), or to
  /// paise below a thousand (`₹12.50`).
  func shortMoney(_ rupees: DecimalText) -> String {
    let (unit, suffix) = Self.shortUnit(rupees, units: [(7, "Cr"), (5, "L"), (3, "k")])
    guard let unit else { return money(rupees) }
    return money(rupees.shifted(by: -unit), places: 1).trimmingOneZero() + suffix
  }

  /// A count as is below a lakh (`12,345`), else in lakhs or crores to one decimal
  /// (`1.2 lakh`, `3 crore`).
  func shortCount(_ count: DecimalText) -> String {
    let (unit, suffix) = Self.shortUnit(count, units: [(7, " crore"), (5, " lakh")])
    guard let unit else { return count.fixed(places: 0, grouping: grouping) }
    return count.shifted(by: -unit).fixed(places: 1, grouping: grouping).trimmingOneZero() + suffix
  }

  /// The largest of `units` (powers of ten) that `number`'s magnitude reaches, with its suffix.
  private static func shortUnit(_ number: DecimalText, units: [(Int, String)]) -> (Int?, String) {
    guard !number.isZero else { return (nil, "") }
    // `pointIndex` integer digits: the magnitude is at least 10^(pointIndex - 1).
    for (power, suffix) in units where number.pointIndex > power { return (power, suffix) }
    return (nil, "")
  }

  /// `+0.12%`, `-1.50%`: a change with its sign and two decimals.
  func signedPercent(_ fraction: Double) -> String {
    guard let decimal = DecimalText(fraction) else { return emptyText }
    let text = decimal.shifted(by: 2).fixed(places: 2, grouping: grouping)
    return (fraction >= 0 ? "+" : "") + text + "%"
  }

  /// As the data file holds it: `1234.50` for money, `17` for a count, no symbol or separator.
  func raw(_ value: Value) -> String {
    switch value {
    case .empty: return ""
    case .text(let s): return s
    case .paise(let p): return DecimalText(p, scale: 2).fixed(places: 2)
    case .integer(let i): return String(i)
    case .number(let d): return DecimalText(d)?.fixed(places: 2) ?? emptyText
    }
  }
}

extension String {
  /// `4.0` → `4`, `-2.0` → `-2`; other text as it is.
  fileprivate func trimmingOneZero() -> String {
    hasSuffix(".0") ? String(dropLast(2)) : self
  }
}
