import Foundation

/// A dictionary of distinct strings, each with a dense `Int32` code.
///
/// Codes are assigned in first-seen order. One dictionary is shared by every column of the
/// same *domain* across a `DataSet` (for example `campaign` in tracking_data and payouts), so
/// codes compare across tables without touching strings.
public struct StringDictionary: Sendable {
  /// The distinct values, in code order.
  public private(set) var values: [String] = []
  /// value → code, built on first lookup (most dictionaries are only read by code).
  private var lookupBox = LookupBox()

  /// Creates an empty dictionary.
  public init() {}

  /// Creates a dictionary of `values`, interned in order (a repeated value keeps its first code).
  public init(_ values: [String]) {
    for v in values { _ = intern(v) }
  }

  /// A dictionary of values known to be distinct as `String`s (for example all-ASCII values
  /// distinct as bytes); the value → code table is built only if someone asks for it.
  ///
  /// - Complexity: O(1) beyond taking the array.
  public init(distinct values: [String]) {
    self.values = values
  }

  /// The code for `value`, adding it when new.
  ///
  /// - Complexity: amortized O(1) hash of the string (O(*n*) once, to build the table).
  @discardableResult
  public mutating func intern(_ value: String) -> Int32 {
    if !isKnownUniquelyReferenced(&lookupBox) { lookupBox = lookupBox.copy() }
    let table = lookupBox.table(values)
    if let c = table[value] { return c }
    let c = Int32(values.count)
    values.append(value)
    lookupBox.insert(value, c)
    return c
  }

  /// The code of an exact (case-sensitive) value, if present.
  public func code(of value: String) -> Int32? { lookupBox.table(values)[value] }

  /// The number of distinct values.
  public var count: Int { values.count }

  /// The value whose code is `code`.
  public subscript(code: Int32) -> String { values[Int(code)] }
}

/// The lazily built value → code table of a `StringDictionary`.
///
/// Sendable by its lock: `map` is read and written only under `lock`.
final class LookupBox: @unchecked Sendable {
  private var map: [String: Int32]?
  private let lock = NSLock()

  func table(_ values: [String]) -> [String: Int32] {
    lock.lock()
    defer { lock.unlock() }
    if let map { return map }
    var m: [String: Int32] = [:]
    m.reserveCapacity(values.count)
    for (i, v) in values.enumerated() where m[v] == nil { m[v] = Int32(i) }
    map = m
    return m
  }

  func insert(_ value: String, _ code: Int32) {
    lock.lock()
    map?[value] = code
    lock.unlock()
  }

  func copy() -> LookupBox {
    let b = LookupBox()
    lock.lock()
    b.map = map
    lock.unlock()
    return b
  }
}

/// The kind of values a column holds.
public enum ColumnKind: String, Sendable, Hashable {
  /// Dictionary-encoded text.
  case string
  /// Non-negative integer counts.
  case integer
  /// Exact money in integer paise (₹1 = 100).
  case money
  /// A calendar date as days since 1970-01-01.
  case date
  /// A decimal number held as hundredths (e.g. a commission percent `12.5` → 1250).
  case decimal
  /// Free text that is mostly unique per row (`url`, `caption`): not dictionary-encoded.
  case text
}

/// Mostly-unique text (no per-row `String`): either held as one UTF-8 buffer plus row offsets,
/// or, as the loader makes it, read back from its CSV file on demand (`file`), so a large data
/// set's urls and captions never take memory.
public struct TextColumn: Sendable {
  /// UTF-8 bytes of all rows, back to back (empty when `file` is set).
  public var bytes: ContiguousArray<UInt8>
  /// `offsets[i]..<offsets[i+1]` are row `i`'s bytes; `offsets.count == rowCount + 1` (`[0]`
  /// when `file` is set).
  public var offsets: ContiguousArray<Int64>
  /// Where the rows are read from when they are not held.
  public var file: TextFileRows?

  /// Creates a column that holds its rows' bytes in memory.
  public init(bytes: ContiguousArray<UInt8> = [], offsets: ContiguousArray<Int64> = [0]) {
    self.bytes = bytes
    self.offsets = offsets
  }

  /// A column whose rows are read from `file` when asked for.
  public init(file: TextFileRows) {
    self.init()
    self.file = file
  }

  /// The number of rows.
  public var count: Int { file?.rowCount ?? offsets.count - 1 }

  /// The text of rows `range` (clamped to the rows there are), for display.
  ///
  /// - Throws: `LoadError` when the rows live in a file that cannot be read or has changed
  ///   since it was loaded.
  /// - Complexity: O(length) of the rows; from a file, see `TextFileRows.strings(_:)`.
  public func strings(_ range: Range<Int>) throws(LoadError) -> [String] {
    if let file { return try file.strings(range) }
    let lower = max(0, range.lowerBound)
    let upper = min(count, range.upperBound)
    guard lower < upper else { return [] }
    return bytes.withUnsafeBufferPointer { b in
      (lower..<upper).map { i in
        String(
          decoding: UnsafeBufferPointer(rebasing: b[Int(offsets[i])..<Int(offsets[i + 1])]),
          as: UTF8.self)
      }
    }
  }
}

/// A typed column.
///
/// Strings are codes into a shared `StringDictionary`; money and decimals are exact integers.
public enum Column: Sendable {
  case string(codes: ContiguousArray<Int32>, dictionary: StringDictionary)
  case integer(ContiguousArray<Int64>)
  case money(ContiguousArray<Int64>)
  case date(ContiguousArray<Int32>)
  case decimal(ContiguousArray<Int64>)
  case text(TextColumn)

  /// The column's kind, without its values.
  public var kind: ColumnKind {
    switch self {
    case .string: .string
    case .integer: .integer
    case .money: .money
    case .date: .date
    case .decimal: .decimal
    case .text: .text
    }
  }

  /// The number of rows.
  public var count: Int {
    switch self {
    case .string(let c, _): c.count
    case .integer(let v), .money(let v), .decimal(let v): v.count
    case .date(let v): v.count
    case .text(let t): t.count
    }
  }
}

/// A loaded table: named, typed columns of equal length.
public struct Table: Sendable {
  /// The table's name, such as `tracking_data`.
  public var name: String
  /// Column names in file order (lower-cased, trimmed), only the ones kept.
  public var columnNames: [String]
  /// The kept columns by name.
  public var columns: [String: Column]
  /// The number of rows, the same in every column.
  public var rowCount: Int
  /// The file it was loaded from, if any.
  public var path: String?

  /// Creates a table from columns of equal length.
  public init(
    name: String, columnNames: [String], columns: [String: Column], rowCount: Int,
    path: String? = nil
  ) {
    self.name = name
    self.columnNames = columnNames
    self.columns = columns
    self.rowCount = rowCount
    self.path = path
  }

  /// Whether the table has a column named `column`.
  public func has(_ column: String) -> Bool { columns[column] != nil }

  /// Codes and dictionary of a string column; traps if absent or of another kind (a programming error).
  public func strings(_ name: String) -> (
    codes: ContiguousArray<Int32>, dictionary: StringDictionary
  ) {
    guard case .string(let c, let d) = columns[name] else {
      preconditionFailure("\(self.name).\(name) is not a string column")
    }
    return (c, d)
  }

  /// Integer, money or decimal values of a column.
  public func integers(_ name: String) -> ContiguousArray<Int64> {
    switch columns[name] {
    case .integer(let v), .money(let v), .decimal(let v): return v
    default: preconditionFailure("\(self.name).\(name) is not an integer column")
    }
  }

  /// Day numbers of a date column.
  public func dates(_ name: String) -> ContiguousArray<Int32> {
    guard case .date(let v) = columns[name] else {
      preconditionFailure("\(self.name).\(name) is not a date column")
    }
    return v
  }
}
