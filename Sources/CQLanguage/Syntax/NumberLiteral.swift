/// The one grammar of numbers in cq text: `42`, `3.5`, `-2`, `1_000`, and a scale suffix —
/// `k` (thousand), `L` (lakh, 1,00,000), `m` (million), `cr` (crore, 1,00,00,000), `%`
/// (hundredth) or `x` (a ratio as tables show it, `1.9x`), in either case.
///
/// The lexer, `limit`, `top`, `having`, `set tiers`, `set rows` and `set width` all read
/// numbers through it.
///
/// ```
/// where follower_count >= 10k
/// having revenue > 2L and roas > 1.5x
/// set tiers 5k 20k 2L 1M
/// ```
public enum NumberLiteral {
  /// Scale suffixes and their factors, longest first.
  static let suffixes: [(suffix: String, factor: Double)] = [
    ("cr", 1e7), ("k", 1e3), ("l", 1e5), ("m", 1e6), ("%", 0.01), ("x", 1),
  ]

  /// The value of `text`, or nil when it is not a number.
  ///
  /// Accepts an optional leading `-`, digits (with `_` between digits), an optional
  /// fraction, and an optional scale suffix.
  ///
  /// - Complexity: O(*n*) in the length of `text`.
  public static func value(of text: String) -> Double? {
    var body = Substring(text)
    var scale = 1.0
    let lower = text.lowercased()
    for (suffix, factor) in suffixes where lower.hasSuffix(suffix) {
      scale = factor
      body = body.dropLast(suffix.count)
      break
    }
    var digits = body
    if digits.first == "-" { digits = digits.dropFirst() }
    let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
    func isDigits(_ part: Substring) -> Bool {
      guard let first = part.first, let last = part.last, first != "_", last != "_" else {
        return false
      }
      return part.allSatisfy { $0 == "_" || ($0.isASCII && $0.isNumber) } && !part.contains("__")
    }
    guard parts.count == 1 || parts.count == 2, parts.allSatisfy(isDigits),
      let value = Double(body.filter { $0 != "_" })
    else { return nil }
    return value * scale
  }

  /// The value of `text` as a whole number, or nil when it is not one or does not fit in `Int`.
  public static func integer(of text: String) -> Int? {
    if let exact = Int(text) { return exact }
    guard let value = value(of: text), value.rounded() == value,
      value >= -9.0e18, value <= 9.0e18
    else { return nil }
    return Int(value)
  }
}
