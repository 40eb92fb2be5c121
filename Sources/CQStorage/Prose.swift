/// Words for people with their figures kept as values: what `explain`, `describe` and a
/// result's footnotes say.
///
/// The engine builds prose; CQRendering turns it into text with the formatter its tables use,
/// so a ratio, a rupee or a rate reads the same in a sentence as in a cell, in the currency of
/// `set currency`, in ASCII under `--ascii` and with the grouping of `set grouping`:
///
/// ```
/// explain roas by campaign
/// ```
/// ```
/// ROAS = ₹4.1L revenue ÷ ₹1.3L payout = 3.15x over 4,123 tracked orders in 12 campaign groups
/// ```
///
/// Build it with string interpolation; words stay text, figures become ``Segment``s:
///
/// ```swift
/// let line: Prose = "ROAS = \(brief: .paise(revenue), .money) revenue"
/// ```
///
/// ## Topics
/// - ``Segment``
/// - ``joined(_:separator:)``
public struct Prose: Sendable, Hashable {
  /// The pieces in reading order; adjacent words are kept as one ``Segment/text(_:)``.
  public private(set) var segments: [Segment]

  /// One piece of prose.
  public enum Segment: Sendable, Hashable {
    /// Words, shown as they are.
    case text(String)
    /// A figure as a table cell of `format` shows it: `₹1,23,456.70`, `3.42x`, `6.76%`.
    case cell(Value, ValueFormat)
    /// A figure as a sentence says it: money and counts rounded short (`₹4.1L`, `₹2.9k`,
    /// `₹12.50`, `1.2 lakh`, `12,345`), ratios and rates as a table cell shows them.
    case brief(Value, ValueFormat)
    /// A change in percent with its sign and two decimals: `+0.12%`, `-1.50%`.
    case signedPercent(Double)
    /// A figure as the data file holds it: integers bare, money in rupees with two decimals,
    /// other numbers with two decimals; no symbol, no separators.
    case raw(Value)
  }

  /// Prose of `segments`, adjacent text merged.
  public init(_ segments: [Segment] = []) {
    self.segments = []
    for segment in segments { append(segment) }
  }

  /// Prose that is only words.
  public init(_ text: String) {
    segments = text.isEmpty ? [] : [.text(text)]
  }

  /// Whether there is nothing to say.
  public var isEmpty: Bool { segments.isEmpty }

  /// Adds a segment at the end (text next to text becomes one segment).
  public mutating func append(_ segment: Segment) {
    if case .text(let new) = segment {
      guard !new.isEmpty else { return }
      if case .text(let old)? = segments.last {
        segments[segments.count - 1] = .text(old + new)
        return
      }
    }
    segments.append(segment)
  }

  /// Adds `other` at the end.
  public mutating func append(_ other: Prose) {
    for segment in other.segments { append(segment) }
  }

  /// Adds words at the end.
  public mutating func append(_ text: String) { append(.text(text)) }

  /// `lhs` followed by `rhs`.
  public static func + (lhs: Prose, rhs: Prose) -> Prose {
    var joined = lhs
    joined.append(rhs)
    return joined
  }

  /// Appends `rhs` to `lhs`.
  public static func += (lhs: inout Prose, rhs: Prose) { lhs.append(rhs) }

  /// Whether the prose starts with the words `prefix` (for picking out a kind of note).
  public func hasPrefix(_ prefix: String) -> Bool {
    if prefix.isEmpty { return true }
    guard case .text(let first)? = segments.first else { return false }
    return first.hasPrefix(prefix)
  }

  /// `parts` one after another with `separator` between them (`"\n"` makes lines).
  public static func joined(_ parts: [Prose], separator: String) -> Prose {
    var out = Prose()
    for (i, part) in parts.enumerated() {
      if i > 0 { out.append(separator) }
      out.append(part)
    }
    return out
  }
}

extension Prose: ExpressibleByStringInterpolation {
  /// Prose written as a literal is words only.
  public init(stringLiteral value: String) { self.init(value) }

  /// Prose from an interpolated literal.
  public init(stringInterpolation: StringInterpolation) { self = stringInterpolation.prose }

  /// Builds prose from a literal: plain interpolations are words, labelled ones figures.
  public struct StringInterpolation: StringInterpolationProtocol {
    var prose = Prose()

    /// Space for `literalCapacity` characters and `interpolationCount` interpolations.
    public init(literalCapacity _: Int, interpolationCount _: Int) {}

    /// Words of the literal.
    public mutating func appendLiteral(_ literal: String) { prose.append(literal) }

    /// Words: a name, a label, a date.
    public mutating func appendInterpolation(_ text: some StringProtocol) {
      prose.append(String(text))
    }

    /// Words from a whole number that is part of the wording (`3 rows`, `6 days`), not a
    /// figure to be grouped or rounded.
    public mutating func appendInterpolation(_ number: Int) { prose.append(String(number)) }

    /// Other prose, figures kept.
    public mutating func appendInterpolation(_ other: Prose) { prose.append(other) }

    /// A figure as a table cell shows it.
    public mutating func appendInterpolation(cell value: Value, _ format: ValueFormat) {
      prose.append(.cell(value, format))
    }

    /// A figure as a sentence says it (money and counts rounded short).
    public mutating func appendInterpolation(brief value: Value, _ format: ValueFormat) {
      prose.append(.brief(value, format))
    }

    /// Money in paise, short: `₹4.1L`.
    public mutating func appendInterpolation(money paise: Int64) {
      prose.append(.brief(.paise(paise), .money))
    }

    /// A count in full, grouped as a table cell: `12,345`, `1,50,000`.
    public mutating func appendInterpolation(grouped count: Int) {
      prose.append(.cell(.integer(Int64(count)), .integer))
    }

    /// A count, short: `12,345`, `1.2 lakh`.
    public mutating func appendInterpolation(count: Int64) {
      prose.append(.brief(.integer(count), .integer))
    }

    /// A plain decimal with two places: `1.07`.
    public mutating func appendInterpolation(decimal: Double) {
      prose.append(.cell(.number(decimal), .decimal))
    }

    /// A change in percent with its sign: `+0.12%`.
    public mutating func appendInterpolation(signedPercent fraction: Double) {
      prose.append(.signedPercent(fraction))
    }
  }
}
