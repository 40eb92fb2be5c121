/// A batch of complete CSV records as byte spans into the file.
///
/// Field `f` of row `r` is `spans[2 * (r * width + f)] ..< spans[2 * (r * width + f) + 1]`,
/// byte offsets into the file; a quoted field with doubled quotes is unescaped into the batch's
/// scratch buffer instead, its span encoded as negative numbers (see `field(_:_:in:)`), so the
/// file itself is never written.
/// Tokenizing a whole batch first, then converting it column by column, keeps each column's
/// conversion loop tight, and lets a file be cut into chunks at record boundaries that are
/// tokenized independently.
final class RecordBatch {
  let width: Int
  /// The most rows the batch holds.
  let capacity: Int
  let spans: UnsafeMutablePointer<Int>
  /// Byte offset where each record starts (for line numbers on the error path).
  let recordStarts: UnsafeMutablePointer<Int>
  private(set) var rowCount = 0
  /// Bytes covered by the batch's complete records: `byteStart..<byteEnd`.
  var byteStart = 0
  var byteEnd = 0
  /// False when every byte of `byteStart..<byteEnd` is known to be ASCII (no UTF-8 check needed).
  var mayHoldNonASCII = true
  /// Unescaped copies of fields that held doubled quotes.
  private var scratch: UnsafeMutablePointer<UInt8>
  private var scratchCount = 0
  private var scratchCapacity = 4096

  init(width: Int, capacity: Int) {
    self.width = width
    self.capacity = capacity
    spans = .allocate(capacity: 2 * width * capacity)
    recordStarts = .allocate(capacity: capacity)
    scratch = .allocate(capacity: scratchCapacity)
  }

  deinit {
    spans.deallocate()
    recordStarts.deallocate()
    scratch.deallocate()
  }

  func removeAll() {
    rowCount = 0
    scratchCount = 0
  }

  /// The bytes of a span: a file range, or (negative) an unescaped copy in the scratch buffer.
  @inline(__always)
  func field(_ start: Int, _ end: Int, in file: UnsafePointer<UInt8>) -> (
    bytes: UnsafePointer<UInt8>, count: Int
  ) {
    if start >= 0 { return (file + start, end - start) }
    return (UnsafePointer(scratch) + (-start - 1), start - end)
  }

  /// Field `f` of row `r`.
  @inline(__always)
  func field(row r: Int, _ f: Int, in file: UnsafePointer<UInt8>) -> (
    bytes: UnsafePointer<UInt8>, count: Int
  ) {
    let k = 2 * (r * width + f)
    return field(spans[k], spans[k + 1], in: file)
  }

  /// Copies quoted content `p[start..<end]` with each doubled quote made single; returns the
  /// encoded span `(-(offset + 1), -(offset + length + 1))`.
  func unescape(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
    if scratchCount + (end - start) > scratchCapacity {
      var size = scratchCapacity * 2
      while size < scratchCount + (end - start) { size *= 2 }
      let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
      fresh.update(from: scratch, count: scratchCount)
      scratch.deallocate()
      scratch = fresh
      scratchCapacity = size
    }
    let offset = scratchCount
    let raw = UnsafeRawPointer(p)
    var i = start
    while i < end {
      // Copy up to the next quote (found eight bytes at a time), then one quote of the pair.
      var q = i
      while q &+ 8 <= end {
        let x = raw.loadUnaligned(fromByteOffset: q, as: UInt64.self) ^ 0x2222_2222_2222_2222
        let m = (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
        if m != 0 {
          q &+= m.trailingZeroBitCount &>> 3
          break
        }
        q &+= 8
      }
      while q < end && p[q] != CSVTokenizer.quote { q &+= 1 }
      (scratch + scratchCount).update(from: p + i, count: q - i)
      scratchCount += q - i
      guard q < end else { break }
      scratch[scratchCount] = CSVTokenizer.quote
      scratchCount += 1
      i = q + 1 < end && p[q + 1] == CSVTokenizer.quote ? q + 2 : q + 1
    }
    return (-(offset + 1), -(scratchCount + 1))
  }

  /// Commits a record whose spans are already written at row `rowCount`.
  @inline(__always)
  func commit(recordStart: Int) {
    recordStarts[rowCount] = recordStart
    rowCount += 1
  }
}

/// Why tokenizing stopped short of a complete record.
enum TokenizeFailure: Error {
  /// A quoted field opened at `quoteOffset` (in field `field`) never closes.
  case unterminatedQuote(quoteOffset: Int, field: Int)
  /// Text follows a closing quote in field `field` of the record starting at `recordStart`.
  case textAfterQuote(recordStart: Int, field: Int)
  /// The record starting at `recordStart` has `found` fields instead of the header's count.
  case wrongFieldCount(recordStart: Int, found: Int)
}

/// Splits UTF-8 CSV bytes into records and fields (RFC 4180).
///
/// Quoted fields may hold commas, newlines and doubled quotes (a field with doubled quotes is
/// unescaped into the batch's scratch buffer). Records end at LF or CRLF; blank lines are
/// skipped. The input is only read. (A file whose records end in a bare CR is given to it with
/// those CRs made LF: see `endsRecordsWithBareCR`.)
struct CSVTokenizer {
  let bytes: UnsafePointer<UInt8>
  let end: Int
  /// The next byte to read.
  var position: Int
  /// The bitwise OR of (at least) every field byte scanned since the last `fill(_:)` began: no
  /// byte has its high bit set when `highBits & 0x8080_8080_8080_8080 == 0`, so the bytes are
  /// ASCII and need no UTF-8 check.
  var highBits: UInt64 = 0

  static let quote = UInt8(ascii: "\"")
  static let comma = UInt8(ascii: ",")
  static let lf = UInt8(ascii: "\n")
  static let cr = UInt8(ascii: "\r")

  /// How a field ended.
  enum Terminator { case comma, newline, end, unterminatedQuote, textAfterQuote }

  init(bytes: UnsafePointer<UInt8>, start: Int, end: Int) {
    self.bytes = bytes
    self.end = end
    self.position = start
  }

  var atEnd: Bool { position >= end }

  /// The bytes searched for the first record's end by `endsRecordsWithBareCR`.
  static let lineEndingProbe = 64 * 1024

  /// Whether the first record of `p[start..<n]` ends in a bare CR (one not followed by LF):
  /// a file saved with classic Mac line endings, such as Excel's "CSV (Macintosh)".
  ///
  /// The tokenizer's fast scan looks for LF only, so such a file is read through a copy with
  /// each bare CR made LF (`MappedFile.withBareCRsAsLF()`); LF and CRLF files never pay for
  /// it. Only the first `lineEndingProbe` bytes are looked at (no end found there: not CR).
  /// - Complexity: O(*k*) in the bytes of the first record.
  static func endsRecordsWithBareCR(_ p: UnsafePointer<UInt8>, _ start: Int, _ n: Int) -> Bool {
    let limit = min(n, start + lineEndingProbe)
    var inQuotes = false
    var i = start
    while i < limit {
      let b = p[i]
      if b == quote {
        inQuotes.toggle()
      } else if !inQuotes {
        if b == lf { return false }
        if b == cr { return i + 1 < n && p[i + 1] != lf }
      }
      i += 1
    }
    return false
  }

  /// Makes each bare CR of `p[..<n]` (one not followed by LF) an LF, in place: same length, so
  /// byte offsets and line numbers (counted in LFs) stay those of the file.
  /// - Complexity: O(*n*).
  static func makeBareCRsLF(_ p: UnsafeMutablePointer<UInt8>, _ n: Int) {
    var i = 0
    while i < n {
      if p[i] == cr && (i + 1 == n || p[i + 1] != lf) { p[i] = lf }
      i += 1
    }
  }

  /// Skips empty lines (LF, CRLF, or a CR at the end of the input).
  @inline(__always)
  mutating func skipBlankLines() {
    Self.skipBlankLines(bytes, end, &position)
  }

  /// Skips empty lines from `i` (LF, CRLF, or a CR at the end of the input `p[..<n]`).
  @inline(__always)
  static func skipBlankLines(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) {
    while i < n {
      let b = p[i]
      if b == lf {
        i &+= 1
      } else if b == cr && (i &+ 1 == n || p[i &+ 1] == lf) {
        i &+= i &+ 1 == n ? 1 : 2
      } else {
        return
      }
    }
  }

  /// Scans one field at `position`, returning its span and how it ended.
  ///
  /// - Complexity: O(*k*) in the field's bytes.
  @inline(__always)
  mutating func scanField(start: inout Int, stop: inout Int, escaped: inout Bool) -> Terminator {
    Self.scanField(
      bytes, end, &position, start: &start, stop: &stop, escaped: &escaped, high: &highBits)
  }

  /// Flags (0x80) the bytes of `w` equal to the byte repeated in `pattern`; the lowest flag is
  /// exact, higher ones may be false.
  @inline(__always)
  private static func flags(_ w: UInt64, _ pattern: UInt64) -> UInt64 {
    let x = w ^ pattern
    return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
  }

  /// Scans one field of `p[..<n]` at `i`, returning its span (`start..<stop`) and how it ended.
  ///
  /// `i` moves past the terminator. Every byte read is ORed into `high`.
  ///
  /// Works on locals so the hot loop of `fill(_:)` keeps its state in registers; offsets stay
  /// within `0...n`, so plain wrapping arithmetic cannot overflow.
  /// - Complexity: O(*k*) in the field's bytes.
  @inline(__always)
  static func scanField(
    _ p: UnsafePointer<UInt8>, _ n: Int, _ position: inout Int, start: inout Int,
    stop: inout Int, escaped: inout Bool, high: inout UInt64
  ) -> Terminator {
    var i = position
    let raw = UnsafeRawPointer(p)
    if i < n && p[i] == quote {
      let open = i
      var read = i &+ 1
      escaped = false
      while true {
        // Eight bytes at a time to the next quote.
        while read &+ 8 <= n {
          let w = raw.loadUnaligned(fromByteOffset: read, as: UInt64.self)
          high |= w
          let m = flags(w, 0x2222_2222_2222_2222)
          if m != 0 {
            read &+= m.trailingZeroBitCount &>> 3
            break
          }
          read &+= 8
        }
        while read < n && p[read] != quote {
          high |= UInt64(p[read])
          read &+= 1
        }
        guard read < n else {
          position = open
          return .unterminatedQuote
        }
        if read &+ 1 < n && p[read &+ 1] == quote {
          read &+= 2
          escaped = true
          continue
        }
        break
      }
      start = open &+ 1
      stop = read
      i = read &+ 1
      if i == n {
        position = i
        return .end
      }
      let b = p[i]
      if b == comma {
        position = i &+ 1
        return .comma
      }
      if b == lf {
        position = i &+ 1
        return .newline
      }
      if b == cr {
        if i &+ 1 == n {
          position = n
          return .end
        }
        if p[i &+ 1] == lf {
          position = i &+ 2
          return .newline
        }
      }
      position = i
      return .textAfterQuote
    }
    escaped = false
    start = i
    // The first sixteen bytes at once (most fields are short, so this branch is predictable),
    // then eight at a time: flag bytes equal to ',' or LF.
    var isComma = false
    var found = false
    if i &+ 16 <= n {
      let w0 = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      let w1 = raw.loadUnaligned(fromByteOffset: i &+ 8, as: UInt64.self)
      let c0 = flags(w0, 0x2C2C_2C2C_2C2C_2C2C)
      let m0 = c0 | flags(w0, 0x0A0A_0A0A_0A0A_0A0A)
      let c1 = flags(w1, 0x2C2C_2C2C_2C2C_2C2C)
      let m1 = c1 | flags(w1, 0x0A0A_0A0A_0A0A_0A0A)
      if m0 | m1 != 0 {
        high |= w0 | w1
        if m0 != 0 {
          let bit = m0 & (0 &- m0)
          isComma = c0 & bit != 0
          i &+= m0.trailingZeroBitCount &>> 3
        } else {
          let bit = m1 & (0 &- m1)
          isComma = c1 & bit != 0
          i &+= 8 &+ (m1.trailingZeroBitCount &>> 3)
        }
        found = true
      } else {
        high |= w0 | w1
        i &+= 16
      }
    }
    if !found {
      while i &+ 8 <= n {
        let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
        high |= w
        let c = flags(w, 0x2C2C_2C2C_2C2C_2C2C)
        let m = c | flags(w, 0x0A0A_0A0A_0A0A_0A0A)
        if m != 0 {
          isComma = c & (m & (0 &- m)) != 0
          i &+= m.trailingZeroBitCount &>> 3
          found = true
          break
        }
        i &+= 8
      }
    }
    if !found {
      while i < n {
        let b = p[i]
        if b == comma {
          isComma = true
          found = true
          break
        }
        if b == lf {
          found = true
          break
        }
        high |= UInt64(b)
        i &+= 1
      }
    }
    if isComma {
      stop = i
      position = i &+ 1
      return .comma
    }
    var e = i
    if e > start && p[e &- 1] == cr { e &-= 1 }
    stop = e
    if !found {
      position = n
      return .end
    }
    position = i &+ 1
    return .newline
  }

  /// Reads the header record's fields (unescaped); `nil` when there is no record at all.
  mutating func header() -> Result<[String], TokenizeFailure>? {
    skipBlankLines()
    if atEnd { return nil }
    let recordStart = position
    var fields: [String] = []
    var s = 0
    var e = 0
    var escaped = false
    while true {
      let t = scanField(start: &s, stop: &e, escaped: &escaped)
      switch t {
      case .unterminatedQuote:
        return .failure(.unterminatedQuote(quoteOffset: position, field: fields.count))
      case .textAfterQuote:
        return .failure(.textAfterQuote(recordStart: recordStart, field: fields.count))
      case .comma, .newline, .end:
        var text = FieldParsing.string(bytes, s, e)
        if escaped { text = text.replacingDoubledQuotes() }
        fields.append(text)
        if t != .comma { return .success(fields) }
      }
    }
  }

  /// Appends up to `batch.capacity` complete records of `batch.width` fields to `batch`.
  ///
  /// Stops at the end of input, when the batch is full, or at a malformed record (returned;
  /// the records before it are in the batch).
  /// - Complexity: O(*n*) in the bytes consumed; no allocation beyond the batch's capacity.
  mutating func fill(_ batch: RecordBatch) -> TokenizeFailure? {
    let width = batch.width
    let spans = batch.spans
    let p = bytes
    let n = end
    // The position and the high bits live in locals (registers) and are written back on exit.
    var i = position
    var high: UInt64 = 0
    defer {
      position = i
      highBits = high
      batch.mayHoldNonASCII = high & 0x8080_8080_8080_8080 != 0
    }
    Self.skipBlankLines(p, n, &i)
    batch.byteStart = i
    batch.byteEnd = i
    var s = 0
    var e = 0
    var escaped = false
    while batch.rowCount < batch.capacity {
      let out = spans + 2 &* width &* batch.rowCount
      Self.skipBlankLines(p, n, &i)
      if i >= n { break }
      let recordStart = i
      var f = 0
      while true {
        let t = Self.scanField(
          p, n, &i, start: &s, stop: &e, escaped: &escaped, high: &high)
        switch t {
        case .comma:
          if f == width &- 1 {
            // Too many fields: count them for the message.
            var found = width &+ 1
            while true {
              let t2 = Self.scanField(
                p, n, &i, start: &s, stop: &e, escaped: &escaped, high: &high)
              if t2 == .unterminatedQuote {
                return .unterminatedQuote(quoteOffset: i, field: found - 1)
              }
              if t2 == .textAfterQuote {
                return .textAfterQuote(recordStart: recordStart, field: found - 1)
              }
              if t2 != .comma { break }
              found += 1
            }
            return .wrongFieldCount(recordStart: recordStart, found: found)
          }
        case .newline, .end:
          if f != width &- 1 { return .wrongFieldCount(recordStart: recordStart, found: f + 1) }
        case .unterminatedQuote:
          return .unterminatedQuote(quoteOffset: i, field: f)
        case .textAfterQuote:
          return .textAfterQuote(recordStart: recordStart, field: f)
        }
        if escaped { (s, e) = batch.unescape(p, s, e) }
        out[2 &* f] = s
        out[2 &* f &+ 1] = e
        f &+= 1
        if f == width { break }
      }
      batch.commit(recordStart: recordStart)
      batch.byteEnd = i
    }
    return nil
  }
}

extension String {
  /// The text with each `""` made `"` (a quoted CSV field's content).
  func replacingDoubledQuotes() -> String {
    var out = ""
    var previousWasQuote = false
    for c in unicodeScalars {
      if c == "\"" && previousWasQuote {
        previousWasQuote = false
        continue
      }
      previousWasQuote = c == "\""
      out.unicodeScalars.append(c)
    }
    return out
  }
}
