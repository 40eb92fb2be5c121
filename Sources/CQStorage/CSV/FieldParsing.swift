/// Value parsers working directly on field bytes (no `String` per field).
///
/// Numbers and dates tolerate surrounding ASCII spaces; everything else is exact.
enum FieldParsing {
  static let space = UInt8(ascii: " ")
  static let tab = UInt8(ascii: "\t")
  static let zero = UInt8(ascii: "0")
  static let dot = UInt8(ascii: ".")
  static let dash = UInt8(ascii: "-")

  @inline(__always)
  static func trim(_ p: UnsafePointer<UInt8>, _ s: inout Int, _ e: inout Int) {
    while s < e && (p[s] == space || p[s] == tab) { s += 1 }
    while e > s && (p[e - 1] == space || p[e - 1] == tab) { e -= 1 }
  }

  /// A non-negative whole number: ASCII digits only.
  ///
  /// - Complexity: O(*k*) in the field's bytes.
  @inline(__always)
  static func count(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
    var s = start
    var e = end
    trim(p, &s, &e)
    guard s < e else { return nil }
    var v: Int64 = 0
    if e - s <= 18 {
      while s < e {
        let d = p[s] &- zero
        guard d < 10 else { return nil }
        v = v &* 10 &+ Int64(d)
        s += 1
      }
      return v
    }
    while s < e {
      let d = p[s] &- zero
      guard d < 10 else { return nil }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int64(d))
      guard !o1 && !o2 else { return nil }
      v = a
      s += 1
    }
    return v
  }

  /// A non-negative decimal with at most two fractional digits, as hundredths
  /// (`12` → 1200, `0.1` → 10, `12.30` → 1230).
  ///
  /// - Complexity: O(*k*) in the field's bytes.
  @inline(__always)
  static func hundredths(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int64? {
    var s = start
    var e = end
    trim(p, &s, &e)
    var v: Int64 = 0
    let wholeStart = s
    while s < e {
      let d = p[s] &- zero
      if d >= 10 { break }
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int64(d))
      guard !o1 && !o2 else { return nil }
      v = a
      s += 1
    }
    guard s > wholeStart else { return nil }
    var fraction: Int64 = 0
    if s < e {
      guard p[s] == dot else { return nil }
      s += 1
      let digits = e - s
      guard digits == 1 || digits == 2 else { return nil }
      let d1 = p[s] &- zero
      guard d1 < 10 else { return nil }
      fraction = Int64(d1) * 10
      if digits == 2 {
        let d2 = p[s + 1] &- zero
        guard d2 < 10 else { return nil }
        fraction += Int64(d2)
      }
    }
    let (m, o1) = v.multipliedReportingOverflow(by: 100)
    let (a, o2) = m.addingReportingOverflow(fraction)
    guard !o1 && !o2 else { return nil }
    return a
  }

  /// An ISO `YYYY-MM-DD` calendar date as days since 1970-01-01; `nil` for impossible dates.
  ///
  /// - Complexity: O(1).
  @inline(__always)
  static func day(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int32? {
    var s = start
    var e = end
    trim(p, &s, &e)
    guard e - s == 10, p[s + 4] == dash, p[s + 7] == dash else { return nil }
    @inline(__always) func digit(_ i: Int) -> Int? {
      let d = p[s + i] &- zero
      return d < 10 ? Int(d) : nil
    }
    guard let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
      let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
    else { return nil }
    let year = y0 * 1000 + y1 * 100 + y2 * 10 + y3
    let month = m0 * 10 + m1
    let dayOfMonth = d0 * 10 + d1
    guard
      month >= 1 && month <= 12 && dayOfMonth >= 1 && dayOfMonth <= daysIn(month: month, year: year)
    else { return nil }
    return Int32(daysFromCivil(year: year, month: month, day: dayOfMonth))
  }

  static func daysIn(month: Int, year: Int) -> Int {
    switch month {
    case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
  static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// Whether `p[s..<e]`, lower-cased (ASCII), equals `word` (already lower-case ASCII).
  @inline(__always)
  static func equalsIgnoringCase(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ word: [UInt8])
    -> Bool
  {
    guard e - s == word.count else { return false }
    var i = 0
    while i < word.count {
      var b = p[s + i]
      if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { b += 32 }
      if b != word[i] { return false }
      i += 1
    }
    return true
  }

  /// The offset of the first byte in `start..<end` that is not part of valid UTF-8, if any.
  ///
  /// - Complexity: O(*n*) in the bytes; ASCII runs are checked eight bytes at a time.
  static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    var i = start
    let raw = UnsafeRawPointer(p)
    while i < end {
      while i + 8 <= end
        && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0
      {
        i += 8
      }
      guard i < end else { break }
      let b0 = p[i]
      if b0 < 0x80 {
        i += 1
        continue
      }
      @inline(__always) func continuation(_ k: Int) -> Bool {
        i + k < end && p[i + k] & 0xC0 == 0x80
      }
      if b0 >= 0xC2 && b0 <= 0xDF {
        guard continuation(1) else { return i }
        i += 2
      } else if b0 >= 0xE0 && b0 <= 0xEF {
        guard continuation(1), continuation(2) else { return i }
        let b1 = p[i + 1]
        if b0 == 0xE0 && b1 < 0xA0 { return i }  // overlong
        if b0 == 0xED && b1 >= 0xA0 { return i }  // surrogate
        i += 3
      } else if b0 >= 0xF0 && b0 <= 0xF4 {
        guard continuation(1), continuation(2), continuation(3) else { return i }
        let b1 = p[i + 1]
        if b0 == 0xF0 && b1 < 0x90 { return i }  // overlong
        if b0 == 0xF4 && b1 >= 0x90 { return i }  // above U+10FFFF
        i += 4
      } else {
        return i
      }
    }
    return nil
  }

  /// Whether `p[0..<n]` is all ASCII.
  ///
  /// - Complexity: O(*n*), eight bytes at a time.
  static func isASCII(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let raw = UnsafeRawPointer(p)
    var i = 0
    var high: UInt64 = 0
    while i + 8 <= n {
      high |= raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      i += 8
    }
    while i < n {
      high |= UInt64(p[i])
      i += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
  }

  /// The 1-based line holding byte `offset` (LF counts lines; CRLF ends in LF).
  ///
  /// - Complexity: O(*offset*); error path only.
  static func line(at offset: Int, in p: UnsafePointer<UInt8>) -> Int {
    var n = 1
    var i = 0
    while i < offset {
      if p[i] == UInt8(ascii: "\n") { n += 1 }
      i += 1
    }
    return n
  }

  /// The bytes `s..<e` as a `String` (for messages and dictionary values).
  static func string(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> String {
    String(decoding: UnsafeBufferPointer(start: p + s, count: e - s), as: UTF8.self)
  }
}

extension String {
  /// The text without surrounding ASCII spaces and tabs (header names).
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = firstIndex(where: { !isSpace($0) }),
      let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}
