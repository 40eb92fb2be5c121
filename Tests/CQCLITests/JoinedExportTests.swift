import CQTestSupport
import Foundation
import Testing

/// Two exports joined into one file: the second's byte-order mark does not make an invisible
/// second group, and its header row is refused (exit 4, FILE:LINE).
@Suite struct JoinedExportTests {
  @Test func aByteOrderMarkInsideAFileMakesNoSecondGroup() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "data")
    let url = data.appendingPathComponent("tracking_data.csv")
    var lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
    for i in stride(from: 1, to: lines.count - 1, by: 7) { lines[i] = "\u{FEFF}" + lines[i] }
    for i in stride(from: 2, to: lines.count - 1, by: 11) { lines[i] = "\u{200B}" + lines[i] }
    try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
    let arguments = [
      "--format", "csv", "-c", "revenue by source", "-c", "orders by source, campaign",
    ]
    let expected = try cq(arguments)
    let run = try cq(arguments, data: data.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == expected.stdout)
    #expect(!run.stdout.unicodeScalars.contains { $0.value == 0xFEFF || $0.value == 0x200B })
  }

  @Test func aSecondHeaderRowInProductsIsRefused() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "data")
    let url = data.appendingPathComponent("products.csv")
    let text = try String(contentsOf: url, encoding: .utf8)
    try (text + "\u{FEFF}" + text).write(to: url, atomically: true, encoding: .utf8)
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).count
    let run = try cq(["-c", "revenue by product"], data: data.path)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(run.stdout == "")
    #expect(
      lines(run.stderr).first == "\(url.path):\(line): a second header row; were two files joined?",
      "\(run.stderr)")
  }
}
