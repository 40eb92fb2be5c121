import CQStorage

/// Machine-format text built as bytes and handed to a stream 64 KiB at a time: a cell is
/// appended without a `String` of its own (integers and paise are formatted digit by digit),
/// so writing millions of rows costs a few bytes of work per character.
///
/// The bytes are exactly those of ``ValueFormatter/machine(_:format:)`` and the field escapes
/// of ``MachineFormats``; numbers that are not whole (`Double` ratios) still go through
/// `DecimalText`.
struct MachineBytes {
  private(set) var bytes: [UInt8] = []
  static let chunk = 1 << 16

  init() { bytes.reserveCapacity(Self.chunk + 4096) }

  /// Hands the buffered bytes to `out` once there are a chunk's worth.
  mutating func flushIfFull(to out: inout some TextOutputStream) {
    if bytes.count >= Self.chunk { flush(to: &out) }
  }

  /// Hands every buffered byte to `out`.
  mutating func flush(to out: inout some TextOutputStream) {
    guard !bytes.isEmpty else { return }
    out.write(String(decoding: bytes, as: UTF8.self))
    bytes.removeAll(keepingCapacity: true)
  }

  mutating func append(_ byte: UInt8) { bytes.append(byte) }

  mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

  mutating func append(_ text: StaticString) {
    text.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  /// The decimal digits of `value` (at least `minimumDigits`, zero-padded).
  mutating func appendDigits(_ value: UInt64, minimumDigits: Int = 1) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { digits in
      var v = value
      var i = 24
      repeat {
        i -= 1
        digits[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
        v /= 10
      } while v != 0 || 24 - i < minimumDigits
      bytes.append(contentsOf: digits[i..<24])
    }
  }

  /// `value` as `String(value)` writes it.
  mutating func appendInteger(_ value: Int64) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    appendDigits(value.magnitude)
  }

  /// `value` hundredths with two decimals, as `DecimalText(value, scale: 2).fixed(places: 2)`
  /// writes it (`-0.05`, `0.00`, `1234.50`).
  mutating func appendHundredths(_ value: Int64) {
    if value < 0 { bytes.append(UInt8(ascii: "-")) }
    let m = value.magnitude
    appendDigits(m / 100)
    bytes.append(UInt8(ascii: "."))
    appendDigits(m % 100, minimumDigits: 2)
  }

  /// A cell's machine text: `text` handles text cells (escaping them for the format); `empty`
  /// is written for no value.
  mutating func appendCell(
    _ value: Value, format: ValueFormat, empty: StaticString, text: (inout Self, String) -> Void
  ) {
    switch value {
    case .empty: append(empty)
    case .text(let s): text(&self, s)
    case .paise(let p): appendHundredths(p)
    case .integer(let i):
      guard format == .money else { return appendInteger(i) }
      // Whole rupees: `i.00`.
      let (hundredths, overflow) = i.multipliedReportingOverflow(by: 100)
      if overflow {
        appendMachine(value, format: format, empty: empty, text: text)
      } else {
        appendHundredths(hundredths)
      }
    case .number:
      appendMachine(value, format: format, empty: empty, text: text)
    }
  }

  private mutating func appendMachine(
    _ value: Value, format: ValueFormat, empty: StaticString, text: (inout Self, String) -> Void
  ) {
    switch ValueFormatter.machine(value, format: format) {
    case .text(let s): text(&self, s)
    case .number(let n): append(n)
    case nil: append(empty)
    }
  }
}
