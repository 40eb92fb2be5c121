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
  if expected != actual {
    Issue.record(
      "snapshot '\(name)' differs:\n\(lineDiff(expected: expected!, actual: actual))",
      sourceLocation: sourceLocation)
  }
}

/// A minimal line diff: lines only in expected (-) and only in actual (+), in order.
public func lineDiff(expected: String, actual: String) -> String {
  let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
  let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
  var out: [String] = []
  let n = max(e.count, a.count)
  for i in 0..<n {
    let el = i < e.count ? String(e[i]) : nil
    let al = i < a.count ? String(a[i]) : nil
    if el == al { continue }
    if let el { out.append("-\(i + 1)| \(el)") }
    if let al { out.append("+\(i + 1)| \(al)") }
  }
  return out.joined(separator: "\n")
}
