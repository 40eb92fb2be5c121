import Foundation

@testable import CQStorage

/// Fixture data folders under `Tests/CQStorageTests/Fixtures/`.
///
/// A malformed case holds only the files it changes; `Fixtures.folder(_:)` lays them over the
/// `valid` folder in a fresh temporary folder.
enum Fixtures {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

  /// The path of a fixture folder as it is stored.
  static func path(_ name: String) -> String { root.appendingPathComponent(name).path }

  /// A temporary folder holding `base`'s files, overlaid with `name`'s, minus `removing`.
  static func folder(_ name: String?, base: String = "valid", removing: [String] = []) throws
    -> String
  {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("cq-ingest-\(UUID().uuidString)")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    for source in [base] + (name.map { [$0] } ?? []) {
      let from = root.appendingPathComponent(source)
      for file in try fm.contentsOfDirectory(atPath: from.path) {
        let target = dir.appendingPathComponent(file)
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.copyItem(at: from.appendingPathComponent(file), to: target)
      }
    }
    for file in removing { try fm.removeItem(at: dir.appendingPathComponent(file)) }
    return dir.path
  }

  /// Writes `files` (name → bytes) into a fresh temporary folder over `base`.
  static func folder(base: String = "valid", writing files: [String: [UInt8]]) throws -> String {
    let dir = try folder(nil, base: base)
    for (name, bytes) in files {
      try Data(bytes).write(to: URL(fileURLWithPath: dir).appendingPathComponent(name))
    }
    return dir
  }

  static func remove(_ folder: String) {
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// The error `DataLoader.load` throws for `folder`, if any.
  static func loadError(_ folder: String) -> LoadError? {
    do {
      _ = try DataLoader.load(folder: folder)
      return nil
    } catch {
      return error
    }
  }
}

extension Table {
  /// Row `r`'s value in `column` as text (strings decoded, numbers raw), for assertions.
  func cell(_ column: String, _ r: Int) -> String? {
    switch columns[column] {
    case .string(let codes, let dictionary): dictionary[codes[r]]
    case .text(let t): (try? t.strings(r..<(r + 1)))?.first
    case .integer(let v), .money(let v), .decimal(let v): String(v[r])
    case .date(let v): String(v[r])
    case nil: nil
    }
  }

  /// Every row as text, in column-name order.
  var rows: [[String]] {
    (0..<rowCount).map { r in columnNames.map { cell($0, r) ?? "?" } }
  }

  /// One column as text.
  func values(_ column: String) -> [String] { (0..<rowCount).map { cell(column, $0) ?? "?" } }
}
