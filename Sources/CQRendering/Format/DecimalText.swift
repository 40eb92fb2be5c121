/// A number as exact decimal digits, for rounding and grouping without binary surprises.
///
/// Built from an `Int64` of paise (exact) or from a `Double` through its shortest
/// round-trip text (`0.285` stays `0.285`, so it rounds to `0.29` as a person expects).
struct DecimalText: Sendable, Equatable {
  var negative: Bool
  /// Digits without leading zeros (empty for zero).
  var digits: [UInt8]
  /// How many of `digits` come before the decimal point (may be ≤ 0 or > `digits.count`).
  var pointIndex: Int

  /// An integer scaled down by `10^scale` (paise: `scale` 2).
  init(_ value: Int64, scale: Int = 0) {
    negative = value < 0
    let text = String(value.magnitude)
    digits = text == "0" ? [] : text.utf8.map { $0 - 48 }
    pointIndex = digits.count - scale
  }

  /// A finite double through its shortest round-trip representation; `nil` for NaN and ±∞.
  init?(_ value: Double) {
    guard value.isFinite else { return nil }
    negative = value < 0 || (value == 0 && value.sign == .minus)
    var text = Substring(value.magnitude.description)
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      exponent = Int(text[text.index(after: e)...]) ?? 0
      text = text[..<e]
    }
    var all: [UInt8] = []
    var point: Int?
    for byte in text.utf8 {
      if byte == UInt8(ascii: ".") {
        point = all.count
        continue
      }
      guard byte >= 48 && byte <= 57 else { return nil }
      all.append(byte - 48)
    }
    var index = (point ?? all.count) + exponent
    while let first = all.first, first == 0 {
      all.removeFirst()
      index -= 1
    }
    while let last = all.last, last == 0 { all.removeLast() }
    digits = all
    pointIndex = all.isEmpty ? 0 : index
    if all.isEmpty { negative = false }
  }

  var isZero: Bool { digits.isEmpty }

  /// The same number times `10^places`.
  func shifted(by places: Int) -> DecimalText {
    var copy = self
    if !digits.isEmpty { copy.pointIndex += places }
    return copy
  }

  /// Integer and fraction digit text after rounding half away from zero to `places` decimals.
  func rounded(places: Int) -> (negative: Bool, integer: String, fraction: String) {
    let places = max(0, places)
    // Digits from position 0 (the first integer digit at pointIndex-1 from the left) onwards.
    let keep = pointIndex + places  // how many digits of `digits` are kept (may be ≤ 0)
    var kept: [UInt8]
    var roundUp = false
    if keep <= 0 {
      kept = []
      roundUp = keep == 0 && (digits.first ?? 0) >= 5
    } else if keep >= digits.count {
      kept = digits + Array(repeating: 0, count: keep - digits.count)
    } else {
      kept = Array(digits[0..<keep])
      roundUp = digits[keep] >= 5
    }
    var integerCount = max(pointIndex, 0)
    // Left-pad so that the kept digits cover every integer position and `places` decimals.
    let total = integerCount + places
    if kept.count < total { kept = Array(repeating: 0, count: total - kept.count) + kept }
    if roundUp {
      var i = kept.count - 1
      var carry = true
      while carry && i >= 0 {
        if kept[i] == 9 {
          kept[i] = 0
          i -= 1
        } else {
          kept[i] += 1
          carry = false
        }
      }
      if carry {
        kept.insert(1, at: 0)
        integerCount += 1
      }
    }
    var integer = String(decoding: kept[0..<integerCount].map { $0 + 48 }, as: UTF8.self)
    let fraction = String(decoding: kept[integerCount...].map { $0 + 48 }, as: UTF8.self)
    if let firstNonZero = integer.firstIndex(where: { $0 != "0" }) {
      integer = String(integer[firstNonZero...])
    } else {
      integer = "0"
    }
    let isZero = integer == "0" && fraction.allSatisfy { $0 == "0" }
    return (negative && !isZero, integer, fraction)
  }

  /// Fixed-point text with `places` decimals, optionally grouped (`-1,23,456.70`).
  func fixed(places: Int, grouping: Grouping? = nil) -> String {
    let r = rounded(places: places)
    let integer = grouping.map { NumberText.group(r.integer, $0) } ?? r.integer
    return (r.negative ? "-" : "") + integer + (r.fraction.isEmpty ? "" : "." + r.fraction)
  }

  /// The exact decimal text without exponent and without trailing zeros (`0.0676`, `12`).
  var plain: String {
    if digits.isEmpty { return "0" }
    let places = max(0, digits.count - pointIndex)
    return fixed(places: places)
  }
}

/// Small helpers for number text.
enum NumberText {
  /// Inserts separators into a run of ASCII digits.
  static func group(_ digits: String, _ grouping: Grouping) -> String {
    let chars = Array(digits)
    guard chars.count > 3 else { return digits }
    var groups: [String] = []
    var end = chars.count
    groups.append(String(chars[(end - 3)..<end]))
    end -= 3
    let size = grouping == .indian ? 2 : 3
    while end > 0 {
      let start = max(0, end - size)
      groups.append(String(chars[start..<end]))
      end = start
    }
    return groups.reversed().joined(separator: ",")
  }

  /// Text with trailing fractional zeros (and a bare point) removed: `1,000.50` → `1,000.5`.
  static func trimZeros(_ s: String) -> String {
    guard s.contains(".") else { return s }
    var t = Substring(s)
    while t.last == "0" { t.removeLast() }
    if t.last == "." { t.removeLast() }
    return String(t)
  }
}
