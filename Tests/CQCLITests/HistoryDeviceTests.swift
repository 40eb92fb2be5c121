import CQTestSupport
import Foundation
import Testing

/// `CQ_HISTORY` naming a device (`/dev/zero`, which never ends) or a FIFO: the shell opens at
/// once with one warning that history is off, and works.
@Suite struct HistoryDeviceTests {
  @Test(
    .enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"),
    arguments: ["/dev/zero", "fifo"])
  func theShellPromptsAtOnceWithOneWarning(_ name: String) throws {
    let home = try ScratchFolder()
    var path = name
    if name == "fifo" {
      path = home.file("history-fifo").path
      #if canImport(Glibc)
      try #require(mkfifo(path, 0o600) == 0)
      #endif
    }
    // The address space is capped, so a regression that reads /dev/zero to its end fails
    // here within seconds instead of taking the machine's memory.
    let command = [
      "/bin/sh", "-c", "ulimit -v 4000000; exec \"$0\" \"$@\"", TestPaths.cqBinary.path, "--norc",
      "--data", TestPaths.bundledData.path,
    ]
    let tmux = try Tmux(command: command, home: home, environment: ["CQ_HISTORY": path])
    let prompt = tmux.waitFor { Tmux.hasPrompt($0) }
    try #require(prompt != nil, "no prompt:\n\(tmux.capture())")
    let warning = "warning: history file '\(path)' is not a regular file"
    let screen = tmux.capture()
    #expect(screen.components(separatedBy: warning).count == 2, "one warning:\n\(screen)")
    #expect(screen.contains("history is off for this session"), "\(screen)")
    tmux.type("orders by platform")
    #expect(
      tmux.waitFor { boxTables($0).first?.first == ["platform", "orders"] } != nil,
      "\(tmux.capture())")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }
}
