/// Reads the numbers of cq text: `42`, `3.5`, `-2`, and `10k` / `2.5m` (thousands, millions).
///
/// ```
/// where follower_count >= 10k
/// set tiers 5k 20k 100k 1m
/// ```
public enum NumberLiteral {
  /// The value of `text`, or nil when it is not a number.
  ///
  /// Accepts an optional leading `-`, digits, an optional fraction, and an optional `k`
  /// (×1,000) or `m` (×1,000,000) suffix in either case.
  public static func value(of text: String) -> Double? {
    var body = Substring(text)
    var scale = 1.0
    if let last = body.last, last == "k" || last == "K" {
      scale = 1_000
      body = body.dropLast()
    } else if let last = body.last, last == "m" || last == "M" {
      scale = 1_000_000
      body = body.dropLast()
    }
    var digits = body
    if digits.first == "-" { digits = digits.dropFirst() }
    let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 1 || parts.count == 2,
      parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
      let value = Double(body)
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
