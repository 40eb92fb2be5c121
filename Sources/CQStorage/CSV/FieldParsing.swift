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

  /// Days since 1970-01-01 of a proleptic Gregorian date, by Howard Hinnant's algorithm.
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
  /// Checked first by `isValidUTF8(_:_:_:)`; only invalid input is scanned again, character by
  /// character, for the offset.
  /// - Complexity: O(*n*) in the bytes.
  static func firstInvalidUTF8(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    isValidUTF8(p, start, end) ? nil : firstInvalidUTF8Precisely(p, start, end)
  }

  /// Whether `p[start..<end]` is valid UTF-8 (no overlong forms, surrogates, or code points
  /// above U+10FFFF).
  ///
  /// A shift-based DFA (after Per Vognsen): each byte's row packs the next state for every
  /// state, six bits each, so a step is one table load (which does not wait on the state) and a
  /// shift, with no branch on the byte. ASCII is skipped sixteen bytes at a time.
  /// - Complexity: O(*n*) in the bytes.
  static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    UTF8Rows.table.withUnsafeBufferPointer { rows in
      guard let t = rows.baseAddress else { return false }
      let raw = UnsafeRawPointer(p)
      var state: UInt64 = UTF8Rows.accept
      var i = start
      while i &+ 16 <= end {
        let a = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        let b = raw.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
        if (a | b) & 0x8080_8080_8080_8080 == 0 && state == UTF8Rows.accept {
          i &+= 16
          continue
        }
        for k in 0..<16 { state = (t[Int(p[i &+ k])] &>> state) & 63 }
        // The reject state is absorbing: one check per sixteen bytes finds it.
        if state == UTF8Rows.reject { return false }
        i &+= 16
      }
      while i < end {
        state = (t[Int(p[i])] &>> state) & 63
        i &+= 1
      }
      return state == UTF8Rows.accept
    }
  }

  /// `firstInvalidUTF8(_:_:_:)` character by character: the exact offset, for the error path.
  ///
  /// - Complexity: O(*n*) in the bytes; ASCII runs are checked eight bytes at a time.
  static func firstInvalidUTF8Precisely(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int)
    -> Int?
  {
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
  /// A header field as a column name.
  ///
  /// Surrounding spaces are trimmed, and a name quoted after a space (`id, "name"`, which
  /// RFC 4180 reads as the text ` "name"`) is unquoted. Invisible characters at either end go
  /// too (a byte-order mark where two exports were joined).
  var headerName: String {
    let t = trimmingSpacesAndInvisibles
    guard t.count >= 2, t.first == "\"", t.last == "\"" else { return t }
    return String(t.dropFirst().dropLast()).replacing("\"\"", with: "\"")
      .trimmingSpacesAndInvisibles
  }

  /// Whether `scalar` is one of the invisible characters that joined or pasted exports leave
  /// behind: the byte-order mark U+FEFF, zero-width space U+200B, non-joiner U+200C, joiner
  /// U+200D and word joiner U+2060.
  static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0xFEFF, 0x200B...0x200D, 0x2060: true
    default: false
    }
  }

  /// The text without invisible characters (`isInvisible`) at either end.
  ///
  /// Only the ends: inside text, U+200D and U+200C shape emoji sequences and Indic scripts
  /// (names in Devanagari), so they are meaningful there.
  var trimmingInvisibles: String { trimmingScalars(where: String.isInvisible) }

  /// The text without ASCII spaces, tabs or invisible characters at either end.
  var trimmingSpacesAndInvisibles: String {
    trimmingScalars { $0 == " " || $0 == "\t" || String.isInvisible($0) }
  }

  private func trimmingScalars(where drop: (Unicode.Scalar) -> Bool) -> String {
    let scalars = unicodeScalars
    guard let first = scalars.firstIndex(where: { !drop($0) }),
      let last = scalars.lastIndex(where: { !drop($0) })
    else { return "" }
    if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
    return String(scalars[first...last])
  }

  /// The text without surrounding ASCII spaces and tabs (header names).
  var trimmingSpaces: String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = firstIndex(where: { !isSpace($0) }),
      let last = lastIndex(where: { !isSpace($0) })
    else { return "" }
    return String(self[first...last])
  }
}

/// The rows of `FieldParsing.isValidUTF8`'s DFA: states are shift amounts (multiples of 6), and
/// `table[byte] >> state & 63` is the state after `byte`.
enum UTF8Rows {
  static let accept: UInt64 = 0
  static let reject: UInt64 = 6
  /// Expecting one, two or three more continuation bytes (80-BF).
  static let one: UInt64 = 12
  static let two: UInt64 = 18
  static let three: UInt64 = 42
  /// After E0 (next A0-BF), ED (next 80-9F), F0 (next 90-BF), F4 (next 80-8F).
  static let afterE0: UInt64 = 24
  static let afterED: UInt64 = 30
  static let afterF0: UInt64 = 36
  static let afterF4: UInt64 = 48

  static let table: [UInt64] = {
    var rows = [UInt64](repeating: 0, count: 256)
    /// Bytes `bytes` move the listed states; every other state rejects.
    func set(_ bytes: ClosedRange<Int>, _ moves: [(from: UInt64, to: UInt64)]) {
      var row: UInt64 = 0
      for s in stride(from: UInt64(0), through: afterF4, by: 6) { row |= reject << s }
      for (from, to) in moves { row = row & ~(63 << from) | to << from }
      for b in bytes { rows[b] = row }
    }
    set(0x00...0x7F, [(accept, accept)])
    set(0x80...0x8F, [(one, accept), (two, one), (afterED, one), (three, two), (afterF4, two)])
    set(0x90...0x9F, [(one, accept), (two, one), (afterED, one), (three, two), (afterF0, two)])
    set(0xA0...0xBF, [(one, accept), (two, one), (afterE0, one), (three, two), (afterF0, two)])
    set(0xC0...0xC1, [])
    set(0xC2...0xDF, [(accept, one)])
    set(0xE0...0xE0, [(accept, afterE0)])
    set(0xE1...0xEC, [(accept, two)])
    set(0xED...0xED, [(accept, afterED)])
    set(0xEE...0xEF, [(accept, two)])
    set(0xF0...0xF0, [(accept, afterF0)])
    set(0xF1...0xF3, [(accept, three)])
    set(0xF4...0xF4, [(accept, afterF4)])
    set(0xF5...0xFF, [])
    return rows
  }()
}
