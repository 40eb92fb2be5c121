import CQStorage

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

extension Store {
  /// A narrow copy of codes, made and cached the second time it is asked for: a one-off query
  /// reads the 32-bit codes as they are rather than paying for a copy it uses once.
  func narrowCodes(_ key: String, space: Int, _ make: () -> ContiguousArray<Int32>) -> NarrowCodes {
    if let c = withLock({ narrowCodeCache[key] }) { return c }
    let reused = withLock { !narrowRequests.insert(key).inserted }
    guard reused else { return .i32(make()) }
    let v = NarrowCodes.make(make(), space: space)
    withLock { narrowCodeCache[key] = v }
    return v
  }

  /// Derived values, made narrow and cached the second time they are asked for (made wide, and
  /// let go, the first time).
  func narrowValues(_ key: String, _ values: RowValues) -> NarrowValues {
    if let c = withLock({ narrowValueCache[key] }) { return c }
    let reused = withLock { !narrowRequests.insert(key).inserted }
    guard reused else { return .i64(values.wide) }
    let v = values.narrow
    withLock { narrowValueCache[key] = v }
    return v
  }

  /// A narrow copy of values, made and cached the second time it is asked for.
  func narrowValues(_ key: String, _ make: () -> ContiguousArray<Int64>) -> NarrowValues {
    if let c = withLock({ narrowValueCache[key] }) { return c }
    let reused = withLock { !narrowRequests.insert(key).inserted }
    guard reused else { return .i64(make()) }
    let v = NarrowValues.make(make())
    withLock { narrowValueCache[key] = v }
    return v
  }
}
