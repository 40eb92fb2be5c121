import CQTestSupport
import Foundation
import Testing

/// Expanded display (`set display vertical|auto|table`) as psql's `\x` and DuckDB's
/// `.mode line` (SPEC §10).
@Suite struct ExpandedDisplayTests {
  @Test func verticalShowsEachRowAsARecordFormattedAsTheTableFormatsIt() throws {
    let csv = try cq(["--format", "csv", "-c", "revenue, roas by brand limit 2"])
    let rows = parseDelimited(csv.stdout)
    let run = try cq([
      "-c", "set display vertical", "-c", "set totals on", "-c", "revenue, roas by brand limit 2",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    let roas = { (text: String) in String(format: "%.2fx", Double(text) ?? 0) }
    let record = { (n: Int) in
      "brand   | \(rows[n][0])\nrevenue | \(tableMoney(rows[n][1]))\nroas    | \(roas(rows[n][2]))\n"
    }
    let lines = run.stdout.split(separator: "\n").map(String.init)
    let width = lines.filter { !$0.hasPrefix("-[") }.map(\.count).max() ?? 0
    let head = { (label: String) in
      label + String(repeating: "-", count: width - label.count) + "\n"
    }
    #expect(
      run.stdout.hasPrefix(
        head("-[ RECORD 1 ]-") + record(1) + head("-[ RECORD 2 ]-") + record(2)
          + head("-[ TOTAL ]-") + "brand   | (total)\n"), "\(run.stdout)")
    // Machine formats are not affected; a .txt file gets records too, a .csv file CSV.
    let folder = try ScratchFolder()
    let csvToo = try cq(
      [
        "--format", "csv", "-c", "set display vertical", "-c", "revenue, roas by brand limit 2",
        "-c", "revenue by brand > v.txt",
        "-c", "revenue by brand > v.csv",
      ], in: folder.url)
    #expect(csvToo.stdout == csv.stdout)
    #expect(try folder.read("v.txt").hasPrefix("-[ RECORD 1 ]-"))
    #expect(try folder.read("v.csv").hasPrefix("brand,revenue\n"))
  }

  @Test func displayIsASettingWithItsValues() throws {
    let shown = try cq(["--format", "csv", "-c", "show settings"])
    #expect(shown.stdout.contains("\ndisplay,table,table | vertical | auto,"), "\(shown.stdout)")
    let bad = try cq(["-c", "set display sideways"])
    #expect(bad.status == 3)
    #expect(
      bad.stderr.contains(
        "'sideways' is not a value of 'display'; expected table | vertical | auto"), "\(bad.stderr)"
    )
    // auto has no screen to fit when standard output is a pipe: a table.
    let piped = try cq([
      "-c", "set display auto", "-c",
      "revenue, orders, payout, roas, aov, posts, reach, likes by influencer limit 2",
    ])
    #expect(piped.stdout.hasPrefix("┌"), "\(piped.stdout)")
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func autoTurnsVerticalWhenTheTableIsWiderThanTheTerminal() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path],
      home: home,
      environment: ["PAGER": ""])
    #expect(tmux.waitFor { Tmux.endsAtPrompt($0) } != nil, "\(tmux.capture())")
    let wide =
      "revenue, orders, payout, roas, aov, posts, reach, likes, comments, engagement_rate, cpm by influencer limit 1"
    tmux.type(wide)
    #expect(
      tmux.waitFor { $0.contains("more columns hidden") } != nil,
      "the table is cut by default:\n\(tmux.capture())")
    tmux.type("set display auto")
    tmux.type(wide)
    #expect(
      tmux.waitFor { $0.contains("-[ RECORD 1 ]-") && $0.contains("\ncpm             | ₹") } != nil,
      "\(tmux.capture())")
    tmux.type("revenue by brand")
    let narrow = tmux.waitFor { boxTables($0).contains { $0.first == ["brand", "revenue"] } }
    #expect(narrow != nil, "a table that fits stays a table:\n\(tmux.capture())")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }
}
