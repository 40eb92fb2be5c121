#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered, append-only CSV file writer that formats numbers itself.
///
/// Bytes go into a fixed 1 MiB buffer that is handed to `write(2)` whenever it fills, so a file
/// of any size is written in bounded memory. Integers and money are formatted digit by digit
/// into the buffer (no `String` or Foundation formatting per value).
final class CSVWriter {
  static let capacity = 1 << 20
  /// Flush when fewer than this many bytes are free: more than any single row needs.
  static let slack = 16 << 10

  let path: String
  private let fd: Int32
  private let buffer: UnsafeMutablePointer<UInt8>
  private var count = 0
  private var closed = false
  /// Bytes handed to the file so far plus those still buffered.
  var bytesWritten: Int { flushed + count }
  private var flushed = 0
  /// Data rows written (the caller counts them with `endRow()`).
  private(set) var rows = 0

  /// Creates (or truncates) the file at `path`.
  ///
  /// - Throws: `SimulatorError` with code `.cannotWrite` when the file cannot be opened.
  init(path: String) throws {
    self.path = path
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    if fd < 0 {
      throw SimulatorError(.cannotWrite, path: path, reason: String(cString: strerror(errno)))
    }
    self.fd = fd
    self.buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: CSVWriter.capacity)
  }

  deinit {
    if !closed { _ = posixClose(fd) }
    buffer.deallocate()
  }

  /// Writes a header line (not counted as a row).
  func header(_ names: [String]) throws {
    for (i, name) in names.enumerated() {
      if i > 0 { byte(UInt8(ascii: ",")) }
      bytes(Array(name.utf8))
    }
    byte(UInt8(ascii: "\n"))
    try flushIfNeeded()
  }

  @inline(__always)
  func byte(_ b: UInt8) {
    buffer[count] = b
    count += 1
  }

  @inline(__always)
  func comma() { byte(UInt8(ascii: ",")) }

  /// Ends a data row: newline, row count, and a flush if the buffer is nearly full.
  @inline(__always)
  func endRow() throws {
    byte(UInt8(ascii: "\n"))
    rows += 1
    if count > CSVWriter.capacity - CSVWriter.slack { try flush() }
  }

  func flushIfNeeded() throws {
    if count > CSVWriter.capacity - CSVWriter.slack { try flush() }
  }

  /// Appends bytes verbatim (an already CSV-encoded field), at most `slack` bytes at a time.
  @inline(__always)
  func bytes(_ field: [UInt8]) {
    field.withUnsafeBufferPointer { source in
      guard let base = source.baseAddress else { return }
      (buffer + count).update(from: base, count: source.count)
      count += source.count
    }
  }

  /// Appends a non-negative integer in decimal.
  @inline(__always)
  func int(_ value: Int) {
    var v = UInt(bitPattern: value < 0 ? 0 : value)
    if v < 10 {
      byte(UInt8(truncatingIfNeeded: v) &+ 48)
      return
    }
    var digits = 0
    var probe = v
    while probe > 0 {
      digits += 1
      probe /= 10
    }
    var i = count + digits - 1
    while v > 0 {
      buffer[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
      v /= 10
      i -= 1
    }
    count += digits
  }

  /// Appends an unsigned 64-bit integer in decimal.
  func uint(_ value: UInt64) {
    var v = value
    var digits = 1
    var probe = v / 10
    while probe > 0 {
      digits += 1
      probe /= 10
    }
    var i = count + digits - 1
    repeat {
      buffer[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
      v /= 10
      i -= 1
    } while v > 0
    count += digits
  }

  /// Appends an amount held in paise as rupees with exactly two decimals (`12340` → `123.40`).
  @inline(__always)
  func money(paise: Int64) {
    let p = paise < 0 ? 0 : paise
    int(Int(p / 100))
    byte(UInt8(ascii: "."))
    let cents = Int(p % 100)
    byte(UInt8(truncatingIfNeeded: cents / 10) &+ 48)
    byte(UInt8(truncatingIfNeeded: cents % 10) &+ 48)
  }

  /// Hands the buffered bytes to the file.
  func flush() throws {
    var offset = 0
    while offset < count {
      let n = posixWrite(fd, buffer + offset, count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw SimulatorError(.cannotWrite, path: path, reason: String(cString: strerror(errno)))
      }
      offset += n
    }
    flushed += count
    count = 0
  }

  /// Flushes and closes the file.
  func close() throws {
    try flush()
    closed = true
    if posixClose(fd) != 0 {
      throw SimulatorError(.cannotWrite, path: path, reason: String(cString: strerror(errno)))
    }
  }
}

// The C calls under names that do not clash with the methods above.
@inline(__always)
private func posixWrite(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ n: Int) -> Int {
  write(fd, p, n)
}

@inline(__always)
private func posixClose(_ fd: Int32) -> Int32 {
  close(fd)
}
