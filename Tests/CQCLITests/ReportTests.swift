import CQTestSupport
import Foundation
import Testing

/// Reports (SPEC §9): literate scripts written as Markdown, HTML and PDF documents.
@Suite struct ReportTests {
  /// A fixed "generated" time, so pages are byte-for-byte reproducible.
  static let fixedTime = ["SOURCE_DATE_EPOCH": "1754040600"]

  /// Runs `cq --norc --data data run examples/NAME --output FILE` from the package root.
  func report(_ name: String, as ext: String, in dir: ScratchFolder) throws -> (
    run: CQRun, text: String
  ) {
    let out = dir.file(name.replacingOccurrences(of: ".cq", with: "." + ext)).path
    let run = try runCQ(
      ["--norc", "--data", "data", "run", "examples/\(name)", "--output", out],
      environment: Self.fixedTime,
      currentDirectory: TestPaths.packageRoot())
    return (run, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
  }

  // MARK: Golden files

  @Test(arguments: ExamplesTests.scripts)
  func markdownOfExample(_ name: String) throws {
    let dir = try ScratchFolder()
    let (run, text) = try report(name, as: "md", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty, "a report goes to its file: \(run.stdout)")
    #expect(run.stderr.contains("wrote a report of "), "\(run.stderr)")
    #expect(!text.contains("\n\n\n"), "one blank line between blocks")
    assertSnapshot(text, named: "report-" + name.replacingOccurrences(of: ".cq", with: ".md"))
  }

  @Test(arguments: ExamplesTests.scripts)
  func htmlOfExample(_ name: String) throws {
    let dir = try ScratchFolder()
    let (run, text) = try report(name, as: "html", in: dir)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(text.hasPrefix("<!DOCTYPE html>") && text.hasSuffix("</html>\n"))
    assertSnapshot(text, named: "report-" + name.replacingOccurrences(of: ".cq", with: ".html"))
  }

  /// The example written as a report has headings, paragraphs, every chart kind and caveats.
  @Test func monthlyReviewIsALiterateReport() throws {
    let dir = try ScratchFolder()
    let md = try report("monthly-review.cq", as: "md", in: dir).text
    #expect(
      md.hasPrefix("# Monthly influencer review\n\n"), "the opening comment block is the title")
    for heading in [
      "## Headline", "## Campaigns", "## Influencers", "## Payouts", "## Measured lift",
    ] {
      #expect(md.contains("\n\(heading)\n\n"), "\(heading)")
    }
    #expect(md.contains("```text\nrevenue by brand, month\n"), "a line chart in a fenced block")
    #expect(
      md.contains("> **Note:** pre-trend check failed for Gritzo"),
      "lift caveats reach the document")
    let html = try report("monthly-review.cq", as: "html", in: dir).text
    for kind in ["bar", "line", "spark", "scatter", "hist"] {
      #expect(html.contains("<figure class=\"chart-figure \(kind)\">"), "\(kind)")
    }
    #expect(
      html.components(separatedBy: "<h2 class=\"break\">").count - 1 == 4,
      "a page break before each heading but the first")
    #expect(
      html.contains(
        "<p class=\"meta\">data: data · 2025-04-23 to 2025-07-22 · generated 2025-08-01 09:30 UTC</p>"
      ))
  }

  // MARK: Captions

  @Test func commentsDirectlyAboveAStatementAreItsCaption() throws {
    let dir = try ScratchFolder()
    try dir.write(
      """
      -- Opening block: the title
      -- and its introduction.

      -- ## Sales
      -- Revenue per brand.
      revenue by brand

      -- A blank line separates this comment from the statement: no caption.

      orders by platform
      -- ## Definitions carry their caption
      define metric profit = revenue - payout
      profit by platform
      roas by brand; orders by brand

      """, to: "r.cq")
    let run = try cq(
      ["run", dir.file("r.cq").path, "--output", dir.file("r.md").path], environment: Self.fixedTime
    )
    #expect(run.status == 0, "\(run.stderr)")
    let md = try dir.read("r.md")
    #expect(md.hasPrefix("# Opening block: the title\n\nand its introduction.\n\n*data: "), "\(md)")
    #expect(md.contains("\n## Sales\n\nRevenue per brand.\n\n| brand"), "\(md)")
    #expect(md.contains("\n`orders by platform`\n\n| platform"), "no caption: the statement")
    #expect(!md.contains("A blank line separates"))
    #expect(md.contains("\n## Definitions carry their caption\n\n| platform"), "\(md)")
    #expect(md.contains("\n`roas by brand`\n\n") && md.contains("\n`orders by brand`\n\n"))
  }

  // MARK: Charts in files

  @Test func outputFileGetsChartsAndNothingReachesTheTerminal() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      ["--output", "rep.md", "-c", "roas by category chart bar", "-c", "revenue by brand"],
      in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.isEmpty, "the chart went to the terminal: \(run.stdout)")
    let md = try dir.read("rep.md")
    #expect(md.contains("`roas by category chart bar`\n\n```text\nroas by category\n"), "\(md)")
    #expect(md.contains("█"))
    #expect(md.contains("```\n\n`revenue by brand`\n\n| brand"), "\(md)")
  }

  @Test func appendedChartsStayMarkdown() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      [
        "-c", "revenue by brand > report.md", "-c", "revenue by week chart line >> report.md",
        "-c", "orders by platform >> report.md",
      ], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    let md = try dir.read("report.md")
    let table = try #require(
      md.range(of: "|\n\n`revenue by week chart line`\n\n```text\n"), "\(md)")
    #expect(
      md[table.upperBound...].contains("\n```\n\n`orders by platform`\n\n| platform"), "\(md)")
    #expect(!md.contains("\n\n\n"))
  }

  @Test func appendedBlocksJoinAnHTMLPage() throws {
    let dir = try ScratchFolder()
    let run = try cq(
      ["-c", "revenue by brand > r.html", "-c", "revenue by brand chart bar >> r.html"], in: dir.url
    )
    #expect(run.status == 0, "\(run.stderr)")
    let page = try dir.read("r.html")
    #expect(page.components(separatedBy: "<!DOCTYPE html>").count == 2)
    #expect(page.components(separatedBy: "<section class=\"block\">").count == 3)
    #expect(page.contains("<svg class=\"chart\""))
    try dir.write("<p>not cq's</p>\n", to: "other.html")
    let refused = try cq(["-c", "revenue by brand >> other.html"], in: dir.url)
    #expect(refused.status == 4)
    #expect(
      refused.stderr.contains("cannot append to 'other.html': it is not an HTML report cq wrote"),
      "\(refused.stderr)")
    #expect(try dir.read("other.html") == "<p>not cq's</p>\n")
  }

  @Test func htmlOnStandardOutputIsOnePage() throws {
    let run = try cq(
      [
        "--format", "html", "--echo", "-c", "revenue by brand", "-c", "revenue by week chart line",
        "-c", "explain roas by brand",
      ],
      environment: Self.fixedTime)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout.hasPrefix("<!DOCTYPE html>"), "nothing before the page: \(run.stdout.prefix(80))")
    #expect(run.stdout.components(separatedBy: "</html>").count == 2)
    #expect(run.stdout.components(separatedBy: "<section class=\"block\">").count == 4)
    #expect(run.stdout.contains("<pre>"), "explain is prose in the page")
  }

  // MARK: Bad outputs

  @Test func unknownExtensionsAreRefusedWithTheFormats() throws {
    let dir = try ScratchFolder()
    let redirect = try cq(["-c", "roas by brand > report.docx"], in: dir.url)
    #expect(redirect.status == 4)
    #expect(
      redirect.stderr.contains(
        "cannot write 'report.docx': cq does not write '.docx' files; the extension names the format: .txt (table), .csv, .tsv, .json, .ndjson, .md (markdown), .html, .pdf"
      ), "\(redirect.stderr)")
    #expect(!dir.exists("report.docx"))
    let option = try cq(["--output", "report.docx", "-c", "roas by brand"], in: dir.url)
    #expect(option.status == 4)
    #expect(option.stderr.contains("cq does not write '.docx' files"), "\(option.stderr)")
    #expect(!dir.exists("report.docx"))
  }

  @Test func pdfWithoutABrowserSaysHowToGetOne() throws {
    let dir = try ScratchFolder()
    try FileManager.default.createDirectory(
      at: dir.file("empty-bin"), withIntermediateDirectories: true)
    let noBrowser = ["PATH": dir.file("empty-bin").path, "CQ_BROWSER": ""]
    let redirect = try cq(
      ["-c", "roas by brand > report.pdf"], environment: noBrowser, in: dir.url)
    #expect(redirect.status == 4)
    #expect(
      redirect.stderr.contains(
        "cannot write 'report.pdf': a PDF is printed from the HTML report by a headless Chromium"),
      "\(redirect.stderr)")
    #expect(redirect.stderr.contains("sudo apt-get install chromium"))
    #expect(!dir.exists("report.pdf"), "never a mislabelled text file")
    let option = try runCQ(
      [
        "--norc", "--data", TestPaths.bundledData.path, "run",
        TestPaths.packageRoot().appendingPathComponent("examples/monthly-review.cq").path,
        "--output", dir.file("m.pdf").path,
      ], environment: noBrowser)
    #expect(option.status == 4)
    #expect(option.stderr.contains("CQ_BROWSER"), "\(option.stderr)")
    #expect(!dir.exists("m.pdf"))
    #expect(option.stdout.isEmpty, "refused before the script ran")
  }

  @Test func aRunStoppedByAnErrorWritesNoReport() throws {
    let dir = try ScratchFolder()
    try dir.write("keep\n", to: "r.md")
    try dir.write("revenue by brand\nrevenue by nosuchthing\norders by platform\n", to: "bad.cq")
    let stopped = try cq(["run", dir.file("bad.cq").path, "--output", dir.file("r.md").path])
    #expect(stopped.status == 3)
    #expect(try dir.read("r.md") == "keep\n")
    #expect(
      stopped.stderr.contains("was not written: the run stopped at an error"), "\(stopped.stderr)")
    let continued = try cq([
      "--continue", "run", dir.file("bad.cq").path, "--output", dir.file("r.md").path,
    ])
    #expect(continued.status == 3)
    let md = try dir.read("r.md")
    #expect(md.contains("`revenue by nosuchthing`\n\n> **Error:** "), "\(md)")
    #expect(md.contains("`orders by platform`"))
  }

  @Test func namesThatLookLikeMarkupStayText() throws {
    let dir = try ScratchFolder()
    let data = try TinyData.write(into: dir, name: "tiny")
    let influencers = data.appendingPathComponent("influencers.csv")
    let text = try String(contentsOf: influencers, encoding: .utf8)
      .replacingOccurrences(of: "Asha", with: "<script>alert(1)</script>")
    try text.write(to: influencers, atomically: true, encoding: .utf8)
    let run = try cq(
      [
        "-c", "revenue by influencer > r.html", "-c", "revenue by influencer chart bar >> r.html",
        "-c", "revenue by influencer > r.md",
      ], data: data.path, in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    let page = try dir.read("r.html")
    #expect(!page.contains("<script"))
    #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    #expect(try dir.read("r.md").contains("\\<script>alert(1)\\</script>"))
  }
}
