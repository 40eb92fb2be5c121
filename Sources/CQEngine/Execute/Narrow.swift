import CQStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Codes stored in the narrowest integer that holds their space (a 10-value campaign code is
/// one byte, not four): scans read a quarter of the bytes.
enum NarrowCodes: Sendable {
  case u8(ContiguousArray<UInt8>)
  case u16(ContiguousArray<UInt16>)
  case i32(ContiguousArray<Int32>)

  /// - Complexity: O(*n*).
  static func make(_ codes: ContiguousArray<Int32>, space: Int) -> NarrowCodes {
    if space <= 256 {
      return .u8(ContiguousArray(codes.lazy.map { UInt8(truncatingIfNeeded: $0) }))
    }
    if space <= 65_536 {
      return .u16(ContiguousArray(codes.lazy.map { UInt16(truncatingIfNeeded: $0) }))
    }
    return .i32(codes)
  }
}

/// Values stored in one byte when every value is 0...255 (counts such as `orders`), else as
/// `Int32` when every value fits (row-level paise and counts nearly always do).
enum NarrowValues: Sendable {
  case u8(ContiguousArray<UInt8>)
  case i32(ContiguousArray<Int32>)
  case i64(ContiguousArray<Int64>)

  /// - Complexity: O(*n*).
  static func make(_ values: ContiguousArray<Int64>) -> NarrowValues {
    var lo = Int64.max
    var hi = Int64.min
    for v in values {
      lo = min(lo, v)
      hi = max(hi, v)
    }
    if values.isEmpty || (lo >= 0 && hi <= 255) {
      return .u8(ContiguousArray(values.lazy.map { UInt8(truncatingIfNeeded: $0) }))
    }
    if lo >= Int64(Int32.min) && hi <= Int64(Int32.max) {
      return .i32(ContiguousArray(values.lazy.map { Int32(truncatingIfNeeded: $0) }))
    }
    return .i64(values)
  }

  /// The values as `Int64`.
  ///
  /// - Complexity: O(*n*): a copy, except for `.i64`.
  var widened: ContiguousArray<Int64> {
    switch self {
    case .u8(let v): ContiguousArray(v.lazy.map { Int64($0) })
    case .i32(let v): ContiguousArray(v.lazy.map { Int64($0) })
    case .i64(let v): v
    }
  }

  /// Whether the values are held narrower than 64 bits.
  var isNarrow: Bool {
    if case .i64 = self { false } else { true }
  }
}

extension NarrowCodes {
  /// Whether every code is in `0..<limit` (a code column read from disk must index its
  /// accumulators safely).
  ///
  /// - Complexity: O(*n*), none when the element type cannot reach `limit`.
  func allBelow(_ limit: Int) -> Bool {
    switch self {
    case .u8(let c): return limit > 255 || NarrowCodes.maximum(c).map { Int($0) < limit } ?? true
    case .u16(let c):
      return limit > 65_535 || NarrowCodes.maximum(c).map { Int($0) < limit } ?? true
    case .i32(let c):
      let unsigned = c.withUnsafeBufferPointer {
        $0.withMemoryRebound(to: UInt32.self) { NarrowCodes.maximum($0) }
      }
      return unsigned.map { Int($0) < limit } ?? true
    }
  }

  var count: Int {
    switch self {
    case .u8(let c): c.count
    case .u16(let c): c.count
    case .i32(let c): c.count
    }
  }

  /// The largest element, in a loop the compiler vectorizes.
  static func maximum<C: Collection>(_ c: C) -> C.Element? where C.Element: FixedWidthInteger {
    guard !c.isEmpty else { return nil }
    var m: C.Element = 0
    for v in c { m = Swift.max(m, v) }
    return m
  }

  var stored: DerivedArray {
    switch self {
    case .u8(let c): .u8(c)
    case .u16(let c): .u16(c)
    case .i32(let c): .i32(c)
    }
  }

  init?(stored: DerivedArray) {
    switch stored {
    case .u8(let c): self = .u8(c)
    case .u16(let c): self = .u16(c)
    case .i32(let c): self = .i32(c)
    case .i64: return nil
    }
  }
}

extension NarrowValues {
  var stored: DerivedArray {
    switch self {
    case .u8(let v): .u8(v)
    case .i32(let v): .i32(v)
    case .i64(let v): .i64(v)
    }
  }

  init?(stored: DerivedArray, count: Int) {
    switch stored {
    case .u8(let v) where v.count == count: self = .u8(v)
    case .i32(let v) where v.count == count: self = .i32(v)
    case .i64(let v) where v.count == count: self = .i64(v)
    default: return nil
    }
  }
}

extension Store {
  /// Narrow copies kept on disk may take this many bytes beside the columnar cache before the
  /// least recently read go (one file per grain, filter dimension and value column).
  static let narrowBudgetBytes = 1 << 30

  /// The derived-cache name of narrow copy `key` (every byte outside `[A-Za-z0-9]` escaped,
  /// so two keys never share a file).
  static func narrowFileName(_ key: String) -> String {
    var name = "narrow-v1-"
    for b in key.utf8 {
      switch b {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"):
        name.unicodeScalars.append(Unicode.Scalar(b))
      default:
        let hex = String(b, radix: 16)
        name += "_" + (hex.count < 2 ? "0" : "") + hex
      }
    }
    return name
  }

  /// Keeps `array` on disk as narrow copy `key` (best effort), within the budget.
  func persistNarrow(_ key: String, _ array: DerivedArray) {
    DerivedCache.write(
      folder: data.folder, name: Store.narrowFileName(key), data: fingerprint, [array])
    DerivedCache.trim(
      folder: data.folder, prefix: "narrow-", keepingBytes: Store.narrowBudgetBytes)
  }

  /// Narrow copy `key` as an earlier query (in this process or another, on the same data)
  /// stored it, or nil.
  func storedNarrow(_ key: String) -> DerivedArray? {
    guard
      let a = DerivedCache.read(
        folder: data.folder, name: Store.narrowFileName(key), data: fingerprint),
      a.count == 1
    else { return nil }
    return a[0]
  }

  /// Narrow copy `key` as stored, mapped, with the check its chunks still need (nil: checked).
  func mappedNarrow(_ key: String) -> (array: DerivedArray, check: DerivedCheck?)? {
    guard
      let (a, check) = DerivedCache.read(
        folder: data.folder, name: Store.narrowFileName(key), data: fingerprint,
        deferringChecks: true),
      a.count == 1
    else { return nil }
    return (a[0], check)
  }

  /// The check narrow copy `key` still needs before its elements are read, if any.
  func pendingCheck(_ key: String) -> DerivedCheck? {
    withLock {
      guard let c = narrowChecks[key] else { return nil }
      if c.isComplete { narrowChecks[key] = nil }
      return c.isComplete ? nil : c
    }
  }

  /// Drops narrow copy `key` (a chunk failed its check): from memory and from disk, so the
  /// next request makes it again.
  func forgetNarrow(_ key: String) {
    withLock {
      narrowCodeCache[key] = nil
      narrowValueCache[key] = nil
      narrowChecks[key] = nil
    }
    unlink(DerivedCache.path(data.folder, Store.narrowFileName(key)))
  }

  /// A narrow copy of codes of `count` rows in `0..<space`, made once and kept in memory and on
  /// disk beside the columnar cache (`persist`: the codes are derived, not a loaded column),
  /// so a fresh process's first query reads the copy rather than making it.
  func narrowCodes(
    _ key: String, space: Int, count: Int, persist: Bool, _ make: () -> ContiguousArray<Int32>
  ) -> NarrowCodes {
    if let c = withLock({ narrowCodeCache[key] }) { return c }
    if let (a, check) = mappedNarrow(key), let c = NarrowCodes(stored: a), c.count == count {
      // Codes index accumulators: each chunk is range-checked before its codes are used.
      if let check {
        check.requireBelow(space, array: 0)
        withLock {
          narrowCodeCache[key] = c
          narrowChecks[key] = check
        }
        return c
      }
      if c.allBelow(space) {
        withLock { narrowCodeCache[key] = c }
        return c
      }
    }
    let v = NarrowCodes.make(make(), space: space)
    withLock { narrowCodeCache[key] = v }
    if persist || v.count > 0 && !isWide(v) { persistNarrow(key, v.stored) }
    return v
  }

  private func isWide(_ c: NarrowCodes) -> Bool {
    if case .i32 = c { true } else { false }
  }

  /// Derived values in the narrowest form that holds them, made once and kept in memory and
  /// on disk.
  func narrowValues(_ key: String, _ values: RowValues) -> NarrowValues {
    if let c = withLock({ narrowValueCache[key] }) { return c }
    if let (a, check) = mappedNarrow(key), let v = NarrowValues(stored: a, count: values.count) {
      withLock {
        narrowValueCache[key] = v
        narrowChecks[key] = check
      }
      return v
    }
    let v = values.narrow
    withLock { narrowValueCache[key] = v }
    persistNarrow(key, v.stored)
    return v
  }

  /// A narrow copy of the `count` values `make` returns (a loaded column), made once and kept
  /// in memory and, when it is narrower than the column, on disk.
  func narrowValues(_ key: String, count: Int, _ make: () -> ContiguousArray<Int64>)
    -> NarrowValues
  {
    if let c = withLock({ narrowValueCache[key] }) { return c }
    if let (a, check) = mappedNarrow(key), let v = NarrowValues(stored: a, count: count),
      v.isNarrow
    {
      withLock {
        narrowValueCache[key] = v
        narrowChecks[key] = check
      }
      return v
    }
    let v = NarrowValues.make(make())
    withLock { narrowValueCache[key] = v }
    if v.isNarrow { persistNarrow(key, v.stored) }
    return v
  }
}
