/// The chart kinds of SPEC §5 (`chart KIND`): the one declaration the parser, completion,
/// `help`, the terminal charts and the report charts all read.
///
/// ```
/// revenue by campaign chart bar
/// revenue by week chart line
/// revenue by campaign, week chart spark
/// followers, revenue by influencer chart scatter
/// roas by influencer chart hist
/// ```
///
/// ## Topics
/// - ``summary``
/// - ``example``
/// - ``spellings``
/// - ``init(spelling:)``
/// - ``list(conjunction:)``
public enum ChartKind: String, CaseIterable, Sendable {
  /// Horizontal bars, one per group, with labels and values.
  case bar
  /// A time series with labelled axes (braille on a terminal; several series get a legend).
  case line
  /// One sparkline per group over time.
  case spark
  /// Two metrics against each other, one point per group.
  case scatter
  /// The distribution of a metric over the groups, in bins.
  case hist

  /// What the chart draws, in a few words (`help charts`).
  public var summary: String {
    switch self {
    case .bar: "horizontal bars with labels and values"
    case .line: "a time series with labelled axes"
    case .spark: "a sparkline per group over time"
    case .scatter: "two metrics against each other, a point per group"
    case .hist: "the distribution of a metric over the groups"
    }
  }

  /// A query that draws this chart well on the bundled data.
  public var example: String {
    switch self {
    case .bar: "revenue by brand chart bar"
    case .line: "revenue by week chart line"
    case .spark: "revenue by brand, week chart spark"
    case .scatter: "followers, revenue by influencer chart scatter"
    case .hist: "roas by influencer chart hist"
    }
  }

  /// Other words people use for this chart (`help histogram`); never accepted after `chart`,
  /// which takes the kind's own name.
  public var spellings: [String] {
    switch self {
    case .bar: ["bars"]
    case .line: ["lines"]
    case .spark: ["sparkline", "sparklines"]
    case .scatter: ["scatterplot"]
    case .hist: ["histogram"]
    }
  }

  /// The kind named `spelling` (its name, any case); `nil` for any other word.
  public init?(spelling: String) { self.init(rawValue: spelling.lowercased()) }

  /// The names in declaration order, joined for a message: `bar, line, spark, scatter or hist`.
  public static func list(conjunction: String = "or") -> String {
    let names = allCases.map(\.rawValue)
    guard let last = names.last, names.count > 1 else { return names.joined() }
    return names.dropLast().joined(separator: ", ") + " \(conjunction) " + last
  }
}

extension ChartClause {
  /// The kind named after `chart`; `nil` when the word is no chart kind (the parser refuses
  /// those, so only a hand-built clause has none).
  public var chartKind: ChartKind? { ChartKind(spelling: kind.text) }
}
