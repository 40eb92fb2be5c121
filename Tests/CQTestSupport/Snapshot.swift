import Foundation
import Testing

/// Compares `actual` with the golden file `Tests/<Module>Tests/Snapshots/<name>.txt`.
///
/// With `RECORD_SNAPSHOTS=1` the file is (re)written and the test *fails*, so a new baseline is
/// never accepted silently: read the diff, then run again without the variable.
public func assertSnapshot(
  _ actual: String, named name: String, filePath: String = #filePath,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let testDir = URL(fileURLWithPath: filePath).deletingLastPathComponent()
  let url = testDir.appendingPathComponent("Snapshots").appendingPathComponent(name + ".txt")
  let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
  let expected = try? String(contentsOf: url, encoding: .utf8)
  if record || expected == nil {
    try? FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try? actual.write(to: url, atomically: true, encoding: .utf8)
    Issue.record(
      "recorded snapshot '\(name)' at \(url.path); review it and run again without RECORD_SNAPSHOTS",
      sourceLocation: sourceLocation)
    return
  }
  if let expected, expected != actual {
    Issue.record(
      "snapshot '\(name)' differs:\n\(lineDiff(expected: expected, actual: actual))",
      sourceLocation: sourceLocation)
  }
}

/// A line diff of `expected` against `actual`, from `difference(from:)`: removed lines with
/// `-`, inserted ones with `+`, each with its line number (in `expected` for `-`, in `actual`
/// for `+`), and up to `context` unchanged lines around each change.
///
/// An inserted line shows as one `+` line, not as every later line changed.
///
/// - Complexity: O(*n* · *d*) in the line count and the number of differing lines.
public func lineDiff(expected: String, actual: String, context: Int = 2) -> String {
  let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  let changes = new.difference(from: old)
  guard !changes.isEmpty else { return "" }
  var removed = Set<Int>()
  var inserted = Set<Int>()
  for change in changes {
    switch change {
    case .remove(let offset, _, _): removed.insert(offset)
    case .insert(let offset, _, _): inserted.insert(offset)
    }
  }
  // Walk both sides together: unchanged lines advance both, changes one.
  var rows: [(mark: Character, number: Int, text: String)] = []
  var i = 0
  var j = 0
  while i < old.count || j < new.count {
    if i < old.count, removed.contains(i) {
      rows.append(("-", i + 1, old[i]))
      i += 1
    } else if j < new.count, inserted.contains(j) {
      rows.append(("+", j + 1, new[j]))
      j += 1
    } else {
      rows.append((" ", j + 1, j < new.count ? new[j] : ""))
      i += 1
      j += 1
    }
  }
  // Keep the changes and `context` unchanged rows either side of each.
  let changed = rows.indices.filter { rows[$0].mark != " " }
  var keep = Set<Int>()
  for index in changed {
    for k in max(0, index - context)...min(rows.count - 1, index + context) { keep.insert(k) }
  }
  var out: [String] = []
  var last = -1
  for index in keep.sorted() {
    if last >= 0, index > last + 1 { out.append("…") }
    let row = rows[index]
    out.append("\(row.mark)\(row.number)| \(row.text)")
    last = index
  }
  return out.joined(separator: "\n")
}
