/// Why a cache file was refused (a cache is never trusted when anything about it is off).
struct CacheRejection: Error, Sendable, Equatable {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}

/// Appends little-endian integers and length-prefixed strings (the cache's table of contents).
struct CacheEncoder {
  private(set) var bytes: [UInt8] = []

  mutating func u8(_ v: UInt8) { bytes.append(v) }

  mutating func u32(_ v: UInt32) {
    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func u64(_ v: UInt64) {
    withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
  }

  mutating func int(_ v: Int) { u64(UInt64(bitPattern: Int64(v))) }

  mutating func string(_ s: String) {
    var s = s
    s.withUTF8 { utf8 in
      u64(UInt64(utf8.count))
      bytes.append(contentsOf: utf8)
    }
  }
}

/// Reads what `CacheEncoder` wrote; every read is bounds-checked and throws when short.
struct CacheDecoder {
  private let bytes: [UInt8]
  private var position = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { position == bytes.count }

  private mutating func take(_ n: Int) throws(CacheRejection) -> ArraySlice<UInt8> {
    guard n >= 0, n <= bytes.count - position else {
      throw CacheRejection("table of contents is short")
    }
    defer { position += n }
    return bytes[position..<position + n]
  }

  mutating func u8() throws(CacheRejection) -> UInt8 {
    let s = try take(1)
    return s[s.startIndex]
  }

  mutating func u32() throws(CacheRejection) -> UInt32 {
    var v: UInt32 = 0
    for (i, b) in try take(4).enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
    return v
  }

  mutating func u64() throws(CacheRejection) -> UInt64 {
    var v: UInt64 = 0
    for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
    return v
  }

  /// A non-negative count or size that fits `Int`.
  mutating func count() throws(CacheRejection) -> Int {
    let v = try u64()
    guard v <= UInt64(Int.max >> 1) else { throw CacheRejection("bad count in table of contents") }
    return Int(v)
  }

  mutating func int() throws(CacheRejection) -> Int { Int(Int64(bitPattern: try u64())) }

  mutating func string() throws(CacheRejection) -> String {
    let n = try count()
    return String(decoding: try take(n), as: UTF8.self)
  }
}
