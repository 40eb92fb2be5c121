/// A batch of complete CSV records as byte spans into the file.
///
/// Field `f` of row `r` is `spans[2 * (r * width + f)] ..< spans[2 * (r * width + f) + 1]`.
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

  init(width: Int, capacity: Int) {
    self.width = width
    self.capacity = capacity
    spans = .allocate(capacity: 2 * width * capacity)
    recordStarts = .allocate(capacity: capacity)
  }

  deinit {
    spans.deallocate()
    recordStarts.deallocate()
  }

  func removeAll() { rowCount = 0 }

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
/// Quoted fields may hold commas, newlines and doubled quotes; a field with doubled quotes is
/// unescaped in place (the freed tail is blanked with spaces so newline counts, and hence line
/// numbers, are unchanged). Records end at LF or CRLF; blank lines are skipped.
struct CSVTokenizer {
  let bytes: UnsafeMutablePointer<UInt8>
  let end: Int
  /// The next byte to read.
  var position: Int

  static let quote = UInt8(ascii: "\"")
  static let comma = UInt8(ascii: ",")
  static let lf = UInt8(ascii: "\n")
  static let cr = UInt8(ascii: "\r")

  /// How a field ended.
  enum Terminator { case comma, newline, end, unterminatedQuote, textAfterQuote }

  init(bytes: UnsafeMutablePointer<UInt8>, start: Int, end: Int) {
    self.bytes = bytes
    self.end = end
    self.position = start
  }

  var atEnd: Bool { position >= end }

  /// Skips empty lines (LF, CRLF, or a CR at the end of the input).
  @inline(__always)
  mutating func skipBlankLines() {
    let p = bytes
    while position < end {
      let b = p[position]
      if b == Self.lf {
        position += 1
      } else if b == Self.cr && (position + 1 == end || p[position + 1] == Self.lf) {
        position += position + 1 == end ? 1 : 2
      } else {
        return
      }
    }
  }

  /// Scans one field at `position`, returning its span and how it ended.
  ///
  /// - Complexity: O(*k*) in the field's bytes.
  @inline(__always)
  mutating func scanField(start: inout Int, stop: inout Int) -> Terminator {
    let p = bytes
    let n = end
    var i = position
    if i < n && p[i] == Self.quote {
      let open = i
      var read = i + 1
      var write = read
      var escaped = false
      while true {
        guard read < n else {
          position = open
          return .unterminatedQuote
        }
        let b = p[read]
        if b == Self.quote {
          if read + 1 < n && p[read + 1] == Self.quote {
            p[write] = Self.quote
            write += 1
            read += 2
            escaped = true
            continue
          }
          break
        }
        if escaped { p[write] = b }
        write += 1
        read += 1
      }
      start = open + 1
      stop = write
      // Blank the freed tail so the newline count before any later offset is unchanged.
      var k = write
      while k < read {
        p[k] = UInt8(ascii: " ")
        k += 1
      }
      i = read + 1
      if i == n {
        position = i
        return .end
      }
      let b = p[i]
      if b == Self.comma {
        position = i + 1
        return .comma
      }
      if b == Self.lf {
        position = i + 1
        return .newline
      }
      if b == Self.cr {
        if i + 1 == n {
          position = n
          return .end
        }
        if p[i + 1] == Self.lf {
          position = i + 2
          return .newline
        }
      }
      position = i
      return .textAfterQuote
    }
    start = i
    // Eight bytes at a time: flag bytes equal to ',' or LF (exact for the lowest flagged byte).
    let raw = UnsafeRawPointer(p)
    var found = false
    while i + 8 <= n {
      let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      let c = w ^ 0x2C2C_2C2C_2C2C_2C2C
      let l = w ^ 0x0A0A_0A0A_0A0A_0A0A
      let m = (((c &- 0x0101_0101_0101_0101) & ~c) | ((l &- 0x0101_0101_0101_0101) & ~l)) & 0x8080_8080_8080_8080
      if m != 0 {
        i += m.trailingZeroBitCount >> 3
        found = true
        break
      }
      i += 8
    }
    if !found {
      while i < n {
        let b = p[i]
        if b == Self.comma || b == Self.lf { break }
        i += 1
      }
    }
    var e = i
    if i < n && p[i] == Self.comma {
      stop = e
      position = i + 1
      return .comma
    }
    if e > start && p[e - 1] == Self.cr { e -= 1 }
    stop = e
    if i == n {
      position = n
      return .end
    }
    position = i + 1
    return .newline
  }

  /// Reads the header record's field spans; `nil` when there is no record at all.
  mutating func header() -> Result<[Range<Int>], TokenizeFailure>? {
    skipBlankLines()
    if atEnd { return nil }
    let recordStart = position
    var fields: [Range<Int>] = []
    var s = 0
    var e = 0
    while true {
      let t = scanField(start: &s, stop: &e)
      switch t {
      case .unterminatedQuote: return .failure(.unterminatedQuote(quoteOffset: position, field: fields.count))
      case .textAfterQuote: return .failure(.textAfterQuote(recordStart: recordStart, field: fields.count))
      case .comma: fields.append(s..<e)
      case .newline, .end:
        fields.append(s..<e)
        return .success(fields)
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
    skipBlankLines()
    batch.byteStart = position
    batch.byteEnd = position
    var s = 0
    var e = 0
    while batch.rowCount < batch.capacity {
      let out = spans + 2 * width * batch.rowCount
      skipBlankLines()
      if atEnd { break }
      let recordStart = position
      var f = 0
      while true {
        let t = scanField(start: &s, stop: &e)
        switch t {
        case .unterminatedQuote:
          return .unterminatedQuote(quoteOffset: position, field: f)
        case .textAfterQuote:
          return .textAfterQuote(recordStart: recordStart, field: f)
        case .comma:
          if f == width - 1 {
            // Too many fields: count them for the message.
            var found = width + 1
            while true {
              let t2 = scanField(start: &s, stop: &e)
              if t2 == .unterminatedQuote { return .unterminatedQuote(quoteOffset: position, field: found - 1) }
              if t2 == .textAfterQuote { return .textAfterQuote(recordStart: recordStart, field: found - 1) }
              if t2 != .comma { break }
              found += 1
            }
            return .wrongFieldCount(recordStart: recordStart, found: found)
          }
        case .newline, .end:
          if f != width - 1 { return .wrongFieldCount(recordStart: recordStart, found: f + 1) }
        }
        out[2 * f] = s
        out[2 * f + 1] = e
        f += 1
        if f == width { break }
      }
      batch.commit(recordStart: recordStart)
      batch.byteEnd = position
    }
    return nil
  }
}
