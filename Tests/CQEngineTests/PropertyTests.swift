import CQEngine
import CQLanguage
import CQStorage
import CQTestSupport
import Foundation
import Testing

/// Seeded property tests (issue 10): random statements over the model never trap and either
/// answer or give diagnostics whose places lie inside the statement; every additive metric's
/// groups add up to its total under the same random filter, for every dimension.
@Suite struct PropertyTests {
  static let metrics = MetricCatalog().metrics.map(\.name) + ["spend", "revenu", "profit", "x"]
  static let dimensions = Dimension.allCases.map(\.rawValue) + ["date", "campain", "nope"]
  static let values: [String: [String]] = [
    "brand": ["MuscleBlaze", "HKVitals", "muscleblaze", "Nope", "\"Muscle Blaze\""],
    "campaign": ["C1", "C2", "C9"],
    "platform": ["Instagram", "YouTube", "instagram", "TikTok"],
    "date": ["2025-01-01", "2024-12-30", "2025-13-01", "2026-01-01", "2025-01"],
    "tier": ["micro", "mid", "mega", "giga"],
    "influencer": ["\"Aarav Sharma\"", "Aarav", "1", "\"Zoë Fernandes\""],
    "user": ["u1", "u2", "u99"],
    "weekday": ["Mon", "Sun", "Funday"],
    "revenue": ["100", "2L", "1e3", "-5", "99999999999999999999"],
  ]
  static let operators = ["=", "!=", "<", "<=", ">", ">=", "~"]

  /// One statement from the grammar, sometimes bent (a word dropped, doubled or swapped in).
  static func statement(_ random: inout SplitMix64) -> String {
    var words: [String] = []
    func condition() -> String {
      let names = Array(values.keys).sorted()
      let name = random.pick(names + ["nope", "roas", "revenue"])
      let value = random.pick(values[name] ?? ["x", "1"])
      switch random.below(4) {
      case 0: return "\(name) in (\(value), \(random.pick(values[name] ?? ["y"])))"
      case 1: return "\(name) between \(value) and \(random.pick(values[name] ?? ["y"]))"
      default: return "\(name)\(random.pick(operators))\(value)"
      }
    }
    func conditions() -> String {
      (0...random.below(3)).map { _ in (random.chance(20) ? "not " : "") + condition() }
        .joined(separator: random.chance(50) ? " and " : " or ")
    }
    switch random.below(40) {
    case 0: return "use " + conditions()
    case 1: return "use none"
    case 2:
      return
        "sample \(random.pick(["tracking_data", "payouts", "posts", "influencers", "products"])) \(random.below(5)) where "
        + conditions()
    default: break
    }
    switch random.below(10) {
    case 0: words.append("explain")
    case 1: words += ["top", String(random.below(12))]
    case 2: words += ["bottom", String(random.below(4) + 1)]
    default: break
    }
    let metricList = (0...random.below(3)).map { _ in
      random.chance(15)
        ? "\(random.pick(["share", "change"]))(\(random.pick(metrics)))" : random.pick(metrics)
    }
    if words.first == "top" || words.first == "bottom" {
      words += [random.pick(dimensions), "by", metricList[0]]
    } else {
      words.append(metricList.joined(separator: ", "))
      if random.chance(70) {
        words += [
          "by", (0...random.below(2)).map { _ in random.pick(dimensions) }.joined(separator: ", "),
        ]
      }
    }
    if random.chance(10) { words += ["across", random.pick(dimensions)] }
    if random.chance(50) {
      words += [
        "where",
        random.chance(15)
          ? "date in \(random.pick(["last 30 days", "this month", "last week", "last 3 months", "last 0 days", "this fortnight"]))"
          : conditions(),
      ]
    }
    if random.chance(20) {
      words += [
        "having",
        "\(random.pick(metrics)) \(random.pick([">", "<", "="])) \(random.pick(["1", "0", "2L", "0.5"]))",
      ]
    }
    if random.chance(25) {
      words += [
        "order", "by", random.pick(metrics + dimensions), random.pick(["asc", "desc", ""]),
      ]
    }
    if random.chance(20) {
      words += ["limit", String(random.below(5))] + (random.chance(50) ? ["with", "other"] : [])
    }
    if random.chance(10) {
      words += ["chart", random.pick(["bar", "line", "spark", "hist", "scatter", "pie"])]
    }
    if random.chance(25) {
      // Bend it: drop, repeat or replace one word.
      let i = random.below(words.count)
      switch random.below(3) {
      case 0: words.remove(at: i)
      case 1: words.insert(words[i], at: i)
      default:
        words[i] = random.pick(["(", ")", ",", "'", "\"", "by", "where", "=", "💪", "-", "1e400"])
      }
    }
    return words.joined(separator: " ")
  }

  /// Every diagnostic points into its source.
  static func expectPlaced(
    _ diagnostics: [Diagnostic], in source: String,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) {
    let length = source.utf8.count
    #expect(
      !diagnostics.isEmpty, "an error without a diagnostic: \(source)",
      sourceLocation: sourceLocation)
    for d in diagnostics {
      #expect(
        d.range.lowerBound.offset >= 0 && d.range.upperBound.offset <= length,
        "\(source): \(d.message) at \(d.range)", sourceLocation: sourceLocation)
      #expect(
        d.range.lowerBound.line >= 1 && d.range.lowerBound.column >= 1, "\(source): \(d.message)",
        sourceLocation: sourceLocation)
      #expect(!d.message.isEmpty)
    }
  }

  @Test(arguments: [1, 2, 3, 4] as [UInt64])
  func randomStatementsAnswerOrSayWhere(seed: UInt64) throws {
    let h = try Harness(totals: seed % 2 == 0)
    var random = SplitMix64(state: seed &* 7919)
    var answered = 0
    var refused = 0
    // Definitions the statements may use (profit), some of them wrong.
    for text in [
      "define metric profit = revenue - payout", "define segment mb = brand=MuscleBlaze",
      "define metric bad = roas * nope",
    ] {
      let parsed = Parser.parse(text)
      guard let stmt = parsed.statements.first?.stmt else { continue }
      switch stmt {
      case .defineMetric(let name, let expr, let t):
        _ = try? h.engine.defineMetric(name, expr: expr, text: t, source: text)
      case .defineSegment(let name, let c, let t):
        _ = try? h.engine.defineSegment(name, condition: c, text: t, source: text)
      default: break
      }
    }
    for _ in 0..<250 {
      let text = Self.statement(&random)
      let parsed = Parser.parse(text)
      guard parsed.diagnostics.isEmpty else {
        Self.expectPlaced(parsed.diagnostics, in: text)
        refused += 1
        continue
      }
      for node in parsed.statements {
        do {
          switch node.stmt {
          case .query(let q):
            let result = try h.engine.run(q, source: text).result
            #expect(result.rows.allSatisfy { $0.count == result.columns.count }, "\(text)")
          case .explain(let q):
            #expect(!(try h.engine.explain(q, source: text)).isEmpty, "\(text)")
          case .use(let condition, let conditionText, _):
            try h.engine.use(condition, text: conditionText, source: text)
          case .sample(let table, let count, let condition, _):
            let result = try h.engine.sample(
              table, count: count ?? 10, where: condition, source: text)
            #expect(result.rows.count <= count ?? 10, "\(text)")
          default: continue
          }
          answered += 1
        } catch {
          Self.expectPlaced(error.diagnostics, in: text)
          refused += 1
        }
      }
    }
    // The generator must exercise both outcomes, or the property says little.
    #expect(answered >= 20 && refused >= 20, "answered \(answered), refused \(refused)")
  }

  static let additive = [
    "revenue", "orders", "conversions", "posts", "reach", "likes", "comments", "payout",
  ]

  static func number(_ v: Value?) -> Int64? {
    switch v {
    case .paise(let p)?: p
    case .integer(let i)?: i
    default: nil
    }
  }

  @Test(arguments: [11, 12, 13] as [UInt64])
  func groupsAddUpToTheTotalUnderRandomFilters(seed: UInt64) throws {
    let h = try Harness(allocation: seed % 2 == 0 ? .orders : .revenue)
    var random = SplitMix64(state: seed)
    var checked = 0
    for metric in Self.additive {
      for _ in 0..<3 {
        let filter: String = random.pick([
          "", " where brand=MuscleBlaze", " where platform=Instagram", " where date >= 2025-01-01",
          " where campaign in (C1, C2)", " where tier != micro", " where not brand=HKVitals",
        ])
        guard let totalResult = try? h.run(metric + filter),
          let total = Self.number(totalResult.rows.first?.first)
        else { continue }
        for dim in Dimension.allCases.map(\.rawValue) {
          let grouped: ResultSet
          do {
            grouped = try h.run("\(metric) by \(dim)\(filter)")
          } catch let error as DiagnosticsError {
            // Only a metric the dimension cannot reach may be refused.
            #expect(
              error.diagnostics.allSatisfy {
                $0.id.hasPrefix("sema.") && $0.message.contains("cannot be split by")
              }, "\(metric) by \(dim)\(filter): \(error.diagnostics.map(\.message))")
            continue
          }
          let sum = grouped.rows.compactMap { Self.number($0.last) }.reduce(Int64(0), +)
          #expect(sum == total, "\(metric) by \(dim)\(filter): groups \(sum), total \(total)")
          checked += 1
        }
      }
    }
    #expect(checked >= 100, "checked \(checked)")
  }
}
