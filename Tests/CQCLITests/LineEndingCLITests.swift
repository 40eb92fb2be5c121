import CQTestSupport
import Foundation
import Testing

/// Excel for Mac's "CSV (Macintosh)" ends records in a bare CR: such a folder gives the same
/// answers as the LF original, and data that runs into a header row fails (exit 4).
@Suite struct LineEndingCLITests {
  static let statements = ["revenue by brand", "payout by platform", "posts by platform"]

  func converted(_ names: [String], to ending: String, in dir: ScratchFolder) throws -> URL {
    let data = try dir.copyBundledData(to: "data")
    for name in names {
      let url = data.appendingPathComponent(name)
      let text = try String(contentsOf: url, encoding: .utf8)
      try text.replacingOccurrences(of: "\n", with: ending).write(
        to: url, atomically: true, encoding: .utf8)
    }
    return data
  }

  @Test func aFolderSavedWithMacLineEndingsGivesTheSameAnswers() throws {
    let dir = try ScratchFolder()
    let data = try converted(["payouts.csv", "posts.csv", "tracking_data.csv"], to: "\r", in: dir)
    let arguments = ["--format", "csv"] + Self.statements.flatMap { ["-c", $0] }
    let expected = try cq(arguments)
    let run = try cq(arguments, data: data.path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr == "")
    #expect(run.stdout == expected.stdout)
    // Again, from the cache the first run wrote.
    #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent(".cq-cache").path))
    #expect(try cq(arguments, data: data.path).stdout == expected.stdout)
  }

  @Test func dataRunningIntoTheHeaderExitsFour() throws {
    let dir = try ScratchFolder()
    let data = try converted(["payouts.csv"], to: "\u{2028}", in: dir)
    let run = try cq(["-c", "payout by platform"], data: data.path)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(run.stdout == "")
    #expect(
      run.stderr.hasPrefix(
        "\(data.path)/payouts.csv:1: no rows read: the header row holds a line break (U+2028)"),
      "\(run.stderr)")
  }
}
