import Foundation

/// Prints an HTML report to PDF with a headless Chromium found on the machine (SPEC §9).
///
/// ```
/// cq run weekly.cq --output weekly.pdf
/// ```
/// The browser is `$CQ_BROWSER` when set, else the first of ``browserNames`` on `PATH`. It runs
/// with `--headless --print-to-pdf` on a copy of the page in a temporary folder, with its own
/// throw-away profile, so a browser the analyst has open is not disturbed.
public enum PDFPrinter {
  /// Chromium's names on Linux and macOS package managers, tried in order on `PATH`.
  public static let browserNames = [
    "chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome",
  ]

  /// The most a print may take before it is stopped.
  public static let timeoutSeconds = 120.0

  /// Why no PDF was written.
  public struct PrintError: Error, CustomStringConvertible, Sendable {
    /// Lower-case, names the file and says what to do.
    public var message: String
    public var description: String { message }
  }

  /// The browser to print with: `$CQ_BROWSER`, else one of ``browserNames`` on `PATH` (or
  /// Chrome or Chromium in macOS's Applications folder); `nil` when there is none.
  ///
  /// - Complexity: O(*d*) in the directories on `PATH`.
  public static func findBrowser(
    environment: [String: String] = ProcessInfo.processInfo.environment
  )
    -> String?
  {
    let files = FileManager.default
    if let chosen = environment["CQ_BROWSER"], !chosen.isEmpty {
      return files.isExecutableFile(atPath: chosen) ? chosen : nil
    }
    let directories = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
    for name in browserNames {
      for directory in directories where !directory.isEmpty {
        let path = directory + "/" + name
        if files.isExecutableFile(atPath: path) { return path }
      }
    }
    for app in [
      "/Applications/Chromium.app/Contents/MacOS/Chromium",
      "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    ] where files.isExecutableFile(atPath: app) {
      return app
    }
    return nil
  }

  /// What to say when no browser is found, for the file `path`.
  public static func noBrowserMessage(
    for path: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> String {
    let looked =
      environment["CQ_BROWSER"].map {
        $0.isEmpty ? nil : "CQ_BROWSER='\($0)' is not an executable file"
      } ?? nil
    return
      "cannot write '\(path)': a PDF is printed from the HTML report by a headless Chromium, and "
      + (looked
        ?? "none was found on PATH (looked for \(browserNames.prefix(3).joined(separator: ", ")))")
      + "; install one (Debian or Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium),"
      + " or set CQ_BROWSER to a Chromium or Chrome binary, or write an .html report and print it from a browser"
  }

  /// The PDF of `html`, printed by `browser`.
  ///
  /// - Throws: ``PrintError`` when the browser fails, times out or writes no PDF; the message
  ///   names `path` (the file the PDF was for) and what the browser said.
  public static func pdf(of html: String, browser: String, for path: String) throws(PrintError)
    -> [UInt8]
  {
    let files = FileManager.default
    let folder = files.temporaryDirectory.appendingPathComponent(
      "cq-pdf-\(getpid())-\(UUID().uuidString)")
    defer { try? files.removeItem(at: folder) }
    let page = folder.appendingPathComponent("report.html")
    let output = folder.appendingPathComponent("report.pdf")
    do {
      try files.createDirectory(at: folder, withIntermediateDirectories: true)
      try Data(html.utf8).write(to: page)
    } catch {
      throw PrintError(
        message:
          "cannot write '\(path)': cannot make a temporary copy of the page to print (\(error.localizedDescription))"
      )
    }
    var arguments = [
      "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
      "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars",
      "--user-data-dir=" + folder.appendingPathComponent("profile").path,
      "--no-pdf-header-footer", "--print-to-pdf=" + output.path,
    ]
    // Chromium's sandbox refuses to run as root (containers, CI); the page is cq's own, with
    // no scripts and nothing fetched.
    if geteuid() == 0 { arguments.append("--no-sandbox") }
    arguments.append(page.absoluteString)

    let process = Process()
    process.executableURL = URL(fileURLWithPath: browser)
    process.arguments = arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    let said = LockedData()
    errors.fileHandleForReading.readabilityHandler = { handle in said.append(handle.availableData) }
    do {
      try process.run()
    } catch {
      throw PrintError(
        message:
          "cannot write '\(path)': cannot run the browser '\(browser)': \(error.localizedDescription)"
      )
    }
    let finished = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in finished.signal() }
    if finished.wait(timeout: .now() + timeoutSeconds) == .timedOut {
      process.terminate()
      _ = finished.wait(timeout: .now() + 5)
      throw PrintError(
        message:
          "cannot write '\(path)': the browser '\(browser)' did not finish printing in \(Int(timeoutSeconds)) seconds"
      )
    }
    errors.fileHandleForReading.readabilityHandler = nil
    let bytes = (try? [UInt8](Data(contentsOf: output))) ?? []
    guard bytes.starts(with: Array("%PDF".utf8)) else {
      let lastWords = String(decoding: said.data, as: UTF8.self).split(separator: "\n")
        .filter { !$0.contains("dbus") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        .suffix(3).joined(separator: "; ")
      throw PrintError(
        message:
          "cannot write '\(path)': the browser '\(browser)' exited with status \(process.terminationStatus) without writing a PDF"
          + (lastWords.isEmpty ? "" : " (it said: \(lastWords))"))
    }
    return bytes
  }
}

/// Bytes appended from another thread (the browser's standard error).
///
/// Sendable by its lock: `bytes` is read and written only under `lock`.
private final class LockedData: @unchecked Sendable {
  private var bytes = Data()
  private let lock = NSLock()
  func append(_ more: Data) { lock.withLock { bytes.append(more) } }
  var data: Data { lock.withLock { bytes } }
}
