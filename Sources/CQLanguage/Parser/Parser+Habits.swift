/// SQL and psql habits (issue 14): a statement written as SQL is answered with the cq statement
/// it meant, as a fix-it, instead of a bare "unexpected".
///
/// ```
/// SELECT sum(revenue) FROM tracking_data GROUP BY brand   → revenue by brand
/// revenue group by campaign                               → revenue by campaign
/// count(*) by campaign                                    → conversions by campaign
/// revenue by campaign sort by revenue                     → revenue by campaign order by revenue
/// revenue by campaign desc                                → revenue by campaign order by revenue desc
/// ```
enum SQLHabits {
  /// psql's backslash commands that have a cq statement.
  static let backslashCommands: [String: String] = [
    "\\q": "quit", "\\quit": "quit", "\\?": "help", "\\h": "help", "\\help": "help",
    "\\d": "schema",
    "\\dt": "schema",
  ]

  /// Column names that are not metric names, as the metric they sum.
  static let columnMetrics: [String: String] = [
    "total_payout": "payout", "follower_count": "followers", "user_id": "user",
  ]

  /// The cq statement `text` meant, when it is written with SQL habits; nil otherwise.
  static func cqStatement(for text: String) -> String? {
    var words = split(text)
    guard !words.isEmpty else { return nil }
    var changed = false
    if words[0].lowercased() == "select" {
      guard let translated = translateSelect(Array(words.dropFirst())) else { return nil }
      return translated
    }
    // `sum(revenue)`, `count(*)`: metrics are already aggregates.
    var i = 0
    while i < words.count {
      if let (metric, consumed) = aggregateCall(words, at: i) {
        words.replaceSubrange(i..<(i + consumed), with: [metric])
        changed = true
      }
      i += 1
    }
    // `group by` / `sort by` → `by` / `order by`.
    i = 0
    while i + 1 < words.count {
      let w = words[i].lowercased()
      if words[i + 1].lowercased() == "by", w == "group" {
        words.remove(at: i)
        changed = true
        continue
      }
      if words[i + 1].lowercased() == "by", w == "sort" {
        words[i] = "order"
        changed = true
      }
      i += 1
    }
    // `revenue by campaign desc`: a direction with no `order by` orders by the first metric.
    if let last = words.last?.lowercased(), last == "desc" || last == "asc",
      !words.contains(where: { $0.lowercased() == "order" }),
      let by = words.firstIndex(where: { $0.lowercased() == "by" }), by > 0
    {
      let metric =
        words[0].lowercased() == "top" || words[0].lowercased() == "bottom"
        ? nil : words[0].trimmingComma
      if let metric {
        words.removeLast()
        words += ["order", "by", metric, last]
        changed = true
      }
    }
    return changed ? words.joined(separator: " ").replacingCommaSpacing : nil
  }

  /// `sum ( revenue )` → `revenue`, `count(*)` → `conversions`, with the words it spans.
  private static func aggregateCall(_ words: [String], at i: Int) -> (String, Int)? {
    // The lexer-free split keeps `sum(revenue)` as one word or as `sum(`, `revenue)`.
    var joined = ""
    for n in 0..<min(4, words.count - i) {
      joined += words[i + n]
      let lower = joined.lowercased()
      guard let open = lower.firstIndex(of: "("), lower.hasSuffix(")") || lower.hasSuffix("),")
      else { continue }
      let function = String(lower[..<open])
      var inner = String(lower[lower.index(after: open)...].dropLast(lower.hasSuffix("),") ? 2 : 1))
      inner = inner.trimmingCharacters(" ")
      let comma = lower.hasSuffix("),") ? "," : ""
      switch function {
      case "sum":
        return ((columnMetrics[inner] ?? inner) + comma, n + 1)
      case "count":
        if inner == "*" || inner == "1" || inner.isEmpty { return ("conversions" + comma, n + 1) }
        if inner.hasPrefix("distinct") {
          let column = inner.dropFirst("distinct".count).trimmingCharacters(" ")
          if column == "user_id" || column == "user" { return ("customers" + comma, n + 1) }
          if column == "influencer_id" || column == "influencer" {
            return ("influencers" + comma, n + 1)
          }
        }
        return ("conversions" + comma, n + 1)
      case "avg" where inner == "revenue":
        return ("aov" + comma, n + 1)
      default:
        return nil
      }
    }
    return nil
  }

  /// `SELECT items FROM table [WHERE …] [GROUP BY …] [ORDER BY …] [LIMIT n]` as cq.
  private static func translateSelect(_ rest: [String]) -> String? {
    let lower = rest.map { $0.lowercased() }
    guard let from = lower.firstIndex(of: "from") else { return nil }
    let clauseStarts = ["where", "group", "order", "limit", "having"]
    func clause(_ name: String) -> [String]? {
      guard let start = lower.firstIndex(of: name), start > from else { return nil }
      var end = lower.count
      for other in clauseStarts where other != name {
        if let j = lower[(start + 1)...].firstIndex(of: other), j < end { end = j }
      }
      var body = Array(rest[(start + 1)..<end])
      if name == "group" || name == "order", body.first?.lowercased() == "by" { body.removeFirst() }
      return body
    }
    let groups = (clause("group") ?? []).joined(separator: " ").split(separator: ",").map {
      String($0).trimmingCharacters(" ")
    }
    var items: [String] = []
    let selected = rest[..<from].joined(separator: " ").split(separator: ",")
    for raw in selected {
      var words = split(String(raw))
      if let alias = words.firstIndex(where: { $0.lowercased() == "as" }) {
        words = Array(words[..<alias])
      }
      guard !words.isEmpty else { continue }
      let item: String
      if let (metric, _) = aggregateCall(words, at: 0) {
        item = metric
      } else {
        let word = words.joined(separator: " ")
        if groups.contains(where: { $0.lowercased() == word.lowercased() }) { continue }
        item = columnMetrics[word.lowercased()] ?? word
      }
      if item == "*" { continue }
      items.append(item)
    }
    if items.isEmpty { items = ["revenue"] }
    var out = items.joined(separator: ", ")
    if !groups.isEmpty {
      out += " by " + groups.map { columnMetrics[$0.lowercased()] ?? $0 }.joined(separator: ", ")
    }
    if let w = clause("where"), !w.isEmpty { out += " where " + w.joined(separator: " ") }
    if let h = clause("having"), !h.isEmpty {
      out +=
        " having "
        + h.map { word in aggregateCall([word], at: 0)?.0 ?? word }.joined(separator: " ")
    }
    if let o = clause("order"), !o.isEmpty {
      out +=
        " order by "
        + o.map { word in aggregateCall([word], at: 0)?.0 ?? word }.joined(separator: " ")
    }
    if let l = clause("limit"), let n = l.first { out += " limit " + n }
    return out
  }

  /// Words separated by spaces, tabs and line breaks.
  private static func split(_ text: String) -> [String] {
    text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(
      String.init)
  }
}

extension String {
  fileprivate var trimmingComma: String { hasSuffix(",") ? String(dropLast()) : self }

  fileprivate func trimmingCharacters(_ character: Character) -> String {
    var s = Substring(self)
    while s.first == character { s.removeFirst() }
    while s.last == character { s.removeLast() }
    return String(s)
  }

  /// `revenue , orders` → `revenue, orders`.
  fileprivate var replacingCommaSpacing: String {
    var out = ""
    for c in self {
      if c == ",", out.last == " " { out.removeLast() }
      out.append(c)
    }
    return out
  }
}

extension Substring {
  fileprivate func trimmingCharacters(_ character: Character) -> String {
    String(self).trimmingCharacters(character)
  }
}
