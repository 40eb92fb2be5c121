import CQTestSupport
import Foundation
import Testing

/// Reports as people see them, in headless Chromium.
///
/// The HTML page is rendered to PNG (at a desktop and a phone width) and printed to PDF by cq,
/// then read back with poppler's
/// `pdfinfo` and `pdftotext`. `make test` installs chromium and poppler-utils (`make setup`).
@Suite(.serialized) struct BrowserReportTests {
  static func tool(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(
      separator: ":")
    {
      let path = "\(dir)/\(name)"
      if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
  }

  static var browser: String? {
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"].lazy.compactMap(tool)
      .first
  }

  /// Runs a program and returns its standard output and exit status.
  @discardableResult
  static func run(_ program: String, _ arguments: [String]) throws -> (
    output: String, status: Int32
  ) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), process.terminationStatus)
  }

  /// The `## ` headings of the example: each starts a page of the PDF.
  static var headings: [String] {
    let text =
      (try? String(
        contentsOf: TestPaths.packageRoot().appendingPathComponent("examples/monthly-review.cq"),
        encoding: .utf8)) ?? ""
    return text.split(separator: "\n").filter { $0.hasPrefix("-- ## ") }.map {
      String($0.dropFirst(6))
    }
  }

  @Test func reportPrintsToPDFWithAPagePerHeading() throws {
    _ = try #require(
      Self.browser, "no chromium on PATH: run 'make setup' (it installs chromium and poppler-utils)"
    )
    let pdftotext = try #require(Self.tool("pdftotext"), "no pdftotext: run 'make setup'")
    let pdfinfo = try #require(Self.tool("pdfinfo"), "no pdfinfo: run 'make setup'")
    let dir = try ScratchFolder()
    let pdf = dir.file("monthly-review.pdf").path
    let run = try runCQ(
      ["--norc", "--data", "data", "run", "examples/monthly-review.cq", "--output", pdf],
      environment: ReportTests.fixedTime, currentDirectory: TestPaths.packageRoot())
    #expect(run.status == 0, "\(run.stderr)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
    #expect(bytes.starts(with: Array("%PDF-".utf8)), "a real PDF, not a text file")
    let info = try Self.run(pdfinfo, [pdf]).output
    let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }
      .flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
    #expect(pages == Self.headings.count, "one A4 page per '## ' section:\n\(info)")
    let text = try Self.run(pdftotext, ["-layout", pdf, "-"]).output
    let pageTexts = text.split(separator: "\u{0C}", omittingEmptySubsequences: false)
    for (page, heading) in Self.headings.enumerated() {
      #expect(
        page < pageTexts.count && pageTexts[page].contains(heading),
        "'\(heading)' heads page \(page + 1)")
    }
    for expected in [
      "Monthly influencer review",
      "data: data · 2025-04-23 to 2025-07-22 · generated 2025-08-01 09:30 UTC",
      "Campaign_6", "2.19x", "₹1,769,350.00", "pre-trend check failed for Gritzo",
    ] {
      #expect(text.contains(expected), "\(expected)")
    }
  }

  /// The page drawn at a desktop and a phone width is far from blank: its PNG is many times
  /// the size of a blank page's.
  @Test(arguments: [(1200, 2400), (390, 2400)])
  func pageRendersToAScreenshot(width: Int, height: Int) throws {
    let browser = try #require(Self.browser, "no chromium on PATH: run 'make setup'")
    let dir = try ScratchFolder()
    let html = dir.file("r.html").path
    let run = try runCQ(
      ["--norc", "--data", "data", "run", "examples/monthly-review.cq", "--output", html],
      environment: ReportTests.fixedTime, currentDirectory: TestPaths.packageRoot())
    #expect(run.status == 0, "\(run.stderr)")
    try dir.write("<!DOCTYPE html><html><body></body></html>\n", to: "blank.html")
    func shot(_ page: String, _ png: String) throws -> Int {
      var arguments = [
        "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
        "--disable-dev-shm-usage",
        "--user-data-dir=" + dir.file("profile-\(png)").path, "--window-size=\(width),\(height)",
        "--screenshot=" + dir.file(png).path, URL(fileURLWithPath: page).absoluteString,
      ]
      if getuid() == 0 { arguments.insert("--no-sandbox", at: 0) }
      try Self.run(browser, arguments)
      let data = try Data(contentsOf: dir.file(png))
      #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
      return data.count
    }
    let blank = try shot(dir.file("blank.html").path, "blank.png")
    let report = try shot(html, "report.png")
    #expect(
      report > blank * 10,
      "the report drew next to nothing: \(report) bytes against \(blank) for a blank page")
  }
}
