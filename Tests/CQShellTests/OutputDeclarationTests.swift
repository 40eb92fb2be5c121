import CQLanguage
import CQRendering
import CQTestSupport
import Foundation
import Testing

@testable import CQShell

/// Output formats and chart kinds are each declared once, and every reader covers each case.
///
/// `OutputFormat.allCases` and `ChartKind.allCases` are what parsing, `--format`, completion,
/// `help` and `show settings` read; each case is checked against each reader, so none can be
/// half-added.
@Suite struct OutputDeclarationTests {
  static func complete(_ line: String) -> [String] {
    Completer.complete(
      line: line, cursor: line.utf8.count, vocabulary: CompletionVocabulary(),
      currentDirectory: "/nonexistent"
    ).candidates
  }

  static func session(format: OutputFormat = .csv) -> (Session, () -> String) {
    var options = SessionOptions()
    options.format = format
    final class Sink: @unchecked Sendable { var text = "" }
    let out = Sink()
    let session = Session(options: options, out: { out.text += $0 }, err: { _ in })
    return (session, { out.text })
  }

  @Test(arguments: OutputFormat.allCases)
  func format(_ format: OutputFormat) throws {
    // Parsing: its name (any case) and each of its extensions.
    #expect(OutputFormat(rawValue: format.rawValue) == format)
    for ext in format.fileExtensions {
      #expect(OutputFormat(path: "out/report." + ext.uppercased()) == format, "\(ext)")
      #expect(OutputFormat.extensionList.contains("." + format.fileExtensions[0]))
    }
    // `set format NAME` takes it, and `show settings` lists it among the values.
    let (session, output) = Self.session()
    #expect(session.execute("set format \(format.rawValue.uppercased())", fileName: nil) == 0)
    #expect(session.settings.format == format)
    let (listing, shown) = Self.session()
    #expect(listing.execute("show settings", fileName: nil) == 0)
    let row = try #require(
      shown().split(separator: "\n").first { $0.hasPrefix("format,") }, "\(shown())")
    #expect(row.contains(format.rawValue), "\(row)")
    _ = output
    // Completion after `set format `.
    #expect(Self.complete("set format ").contains(format.rawValue))
    // Help: `help formats` lists it with its summary; `help set` names it.
    let help = try #require(Help.topic("formats"))
    #expect(help.contains(format.rawValue) && help.contains(format.summary), "\(format)")
    #expect(try #require(Help.topic("set")).contains(format.rawValue))
  }

  /// `--format NAME` (an `ExpressibleByArgument` enum in the `cq` command) takes every format
  /// and its help lists them all.
  @Test(arguments: OutputFormat.allCases.filter { !$0.isBinary })
  func formatOption(_ format: OutputFormat) throws {
    let run = try runCQ(
      [
        "--norc", "--data", TestPaths.bundledData.path, "--format", format.rawValue, "-c",
        "set format",
      ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("format = \(format.rawValue)"), "\(run.stdout)")
    let help = try runCQ(["--help"])
    #expect(help.stdout.contains(format.rawValue), "\(help.stdout)")
  }

  @Test(arguments: ChartKind.allCases)
  func chartKind(_ kind: ChartKind) throws {
    // The parser takes it after `chart`, in any case.
    let parsed = Parser.parseStatements(
      "revenue by brand, week chart \(kind.rawValue.uppercased())")
    #expect(parsed.count == 1 && parsed[0].diagnostics.isEmpty && parsed[0].node != nil)
    #expect(Keywords.chartKinds.contains(kind.rawValue))
    // Its example parses too.
    #expect(
      Parser.parseStatements(kind.example).first?.diagnostics.isEmpty == true, "\(kind.example)")
    // Completion after `chart `.
    #expect(Self.complete("revenue by brand chart ").contains(kind.rawValue))
    // Help: `help charts` lists it with its summary and example; `help KIND` and each spelling.
    let charts = try #require(Help.topic("charts"))
    #expect(charts.contains(kind.summary) && charts.contains(kind.example))
    #expect(Help.topic(kind.rawValue) != nil)
    for spelling in kind.spellings {
      #expect(Help.topic(spelling) == Help.topic(kind.rawValue), "\(spelling)")
    }
    // An unknown kind's message lists every kind.
    let bad = Parser.parseStatements("revenue by brand chart doughnut")
    #expect(bad.first?.diagnostics.first?.message.contains(ChartKind.list()) == true)
  }
}
