extension DataSet {
  /// The first way `other` differs from this data set, or nil when they are byte-identical.
  ///
  /// Compares the folder, warnings, tables in catalogue order (names, paths, column names, row
  /// counts) and every column: kinds, codes, dictionary values as UTF-8 bytes, numbers, days,
  /// text bytes and offsets (or, for text read from its file, the rows' bytes); and that the same columns share one dictionary storage (one per
  /// domain) in both.
  /// For tests proving the cached and parallel load paths equal the plain one.
  ///
  /// - Complexity: O(*n*) in the data's values.
  public func firstDifference(from other: DataSet) -> String? {
    guard folder == other.folder else { return "folder \(folder) vs \(other.folder)" }
    guard warnings == other.warnings else { return "warnings \(warnings) vs \(other.warnings)" }
    guard tables.map(\.name) == other.tables.map(\.name) else {
      return "tables \(tables.map(\.name)) vs \(other.tables.map(\.name))"
    }
    var sharing: [Int] = []
    var otherSharing: [Int] = []
    var identities: [UInt: Int] = [:]
    var otherIdentities: [UInt: Int] = [:]
    func identity(_ d: StringDictionary, _ table: inout [UInt: Int]) -> Int {
      let address = d.values.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
      if let i = table[address] { return i }
      table[address] = table.count
      return table.count - 1
    }
    for (a, b) in zip(tables, other.tables) {
      let t = a.name
      guard a.path == b.path else { return "\(t): path \(a.path ?? "-") vs \(b.path ?? "-")" }
      guard a.rowCount == b.rowCount else { return "\(t): \(a.rowCount) vs \(b.rowCount) rows" }
      guard a.columnNames == b.columnNames else {
        return "\(t): columns \(a.columnNames) vs \(b.columnNames)"
      }
      guard a.columns.keys.sorted() == b.columns.keys.sorted() else {
        return "\(t): column keys differ"
      }
      for name in a.columnNames {
        let place = "\(t).\(name)"
        switch (a.columns[name], b.columns[name]) {
        case (.string(let c1, let d1)?, .string(let c2, let d2)?):
          guard c1 == c2 else { return "\(place): codes differ" }
          guard d1.values.elementsEqual(d2.values, by: { $0.utf8.elementsEqual($1.utf8) }) else {
            return "\(place): dictionary values differ"
          }
          sharing.append(identity(d1, &identities))
          otherSharing.append(identity(d2, &otherIdentities))
        case (.integer(let v1)?, .integer(let v2)?), (.money(let v1)?, .money(let v2)?),
          (.decimal(let v1)?, .decimal(let v2)?):
          guard v1 == v2 else { return "\(place): values differ" }
        case (.date(let v1)?, .date(let v2)?):
          guard v1 == v2 else { return "\(place): days differ" }
        case (.text(let t1)?, .text(let t2)?):
          if t1.file == nil && t2.file == nil {
            guard t1.bytes == t2.bytes, t1.offsets == t2.offsets else {
              return "\(place): text differs"
            }
          } else if t1.file != t2.file {
            // Anchors differ when one file was parsed in chunks: compare what the rows say.
            guard t1.count == t2.count else { return "\(place): text row counts differ" }
            do throws(LoadError) {
              guard
                try t1.strings(0..<t1.count).elementsEqual(
                  t2.strings(0..<t2.count), by: { $0.utf8.elementsEqual($1.utf8) })
              else {
                return "\(place): text differs"
              }
            } catch {
              return "\(place): text cannot be read (\(error.description))"
            }
          }
        default:
          let kinds = [a, b].map { String(describing: $0.columns[name]?.kind) }
          return "\(place): kind \(kinds[0]) vs \(kinds[1])"
        }
      }
    }
    // Sharing: columns i and j share a dictionary in one exactly when they do in the other.
    guard sharing == otherSharing else { return "dictionary sharing differs" }
    return nil
  }
}
