import Foundation
import Testing

@testable import CQShell

/// A long load shows "loading FOLDER … N s" on the terminal and clears it when done.
@Suite struct LoadProgressTests {
  final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
  }

  @Test func aLongLoadShowsItsProgressThenClearsTheLine() async throws {
    let lines = Lines()
    let progress = LoadProgress(folder: "big", write: lines.append)
    // Wait (without a time limit on the pass) until the first tick has been written.
    var waited = 0
    while lines.all.isEmpty && waited < 200 {
      try await Task.sleep(nanoseconds: 50_000_000)
      waited += 1
    }
    progress.finish()
    let written = lines.all
    #expect(written.first?.hasPrefix("\rloading big … ") == true, "\(written)")
    #expect(written.first?.hasSuffix(" s") == true, "\(written)")
    #expect(written.last == "\r\u{1B}[K", "the line is cleared when the load ends")
    let count = written.count
    try await Task.sleep(nanoseconds: 400_000_000)
    #expect(lines.all.count == count, "nothing is written after finish")
  }

  @Test func aQuickLoadWritesNothing() {
    let lines = Lines()
    LoadProgress(folder: "small", write: lines.append).finish()
    #expect(lines.all.isEmpty)
  }
}
