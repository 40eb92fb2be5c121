import CQTestSupport
import Foundation
import Testing

/// Drives the real interactive shell in a tmux pane: line editing, Tab completion, Ctrl-C,
/// history recall and persistence, Ctrl-D.
///
/// Not run by default (CI has no tmux session to spare and the shell needs a terminal):
///
///     swift build && CQ_PTY_TESTS=1 swift test --skip-build --filter InteractiveShellTests
///
/// `CQ_PTY_BINARY` picks another binary (default: the built `cq`); it runs in the package
/// root, so `./data` is the bundled data, with a temporary `HOME` and `XDG_STATE_HOME`.
@Suite(
  .serialized,
  .enabled(
    if: ProcessInfo.processInfo.environment["CQ_PTY_TESTS"] == "1"
      && FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")))
struct InteractiveShellTests {
  @Test func completionCancelHistoryAndExit() throws {
    let pane = try TmuxPane()
    defer { pane.close() }
    try pane.waitFor(seconds: 20) { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    // Tab completes a dimension value.
    pane.send("roas by campaign where brand=Mu", "Tab")
    try pane.waitFor { $0.contains("brand=MuscleBlaze") }

    // Ctrl-C abandons the line; the shell carries on.
    pane.send("C-c")
    try pane.waitFor { $0.contains("^C") }
    pane.send("revenue by brand", "Enter")
    try pane.waitFor { $0.components(separatedBy: "revenue by brand").count >= 2 }
    let afterQuery = pane.capture()

    // Up recalls the statement just run.
    pane.send("Up")
    try pane.waitFor { screen in
      let lastLine = screen.split(separator: "\n").last.map(String.init) ?? ""
      return lastLine.contains("revenue by brand") && screen != afterQuery
    }
    pane.send("C-u")

    // Ctrl-D on an empty line leaves with status 0.
    pane.send("C-d")
    try pane.waitFor { $0.contains("[exit 0]") }

    // The statement reached the history file.
    let history = try String(contentsOfFile: pane.home + "/cq/history", encoding: .utf8)
    #expect(history.contains("revenue by brand\n"))
    #expect(!history.contains("roas by campaign where brand=MuscleBlaze"))
  }

  @Test func secondTabListsCandidates() throws {
    let pane = try TmuxPane()
    defer { pane.close() }
    try pane.waitFor(seconds: 20) { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    pane.send("show se", "Tab")
    pane.send("Tab")
    try pane.waitFor { $0.contains("segments") && $0.contains("settings") }
    pane.send("C-u", "C-d")
    try pane.waitFor { $0.contains("[exit 0]") }
  }
}

/// A detached tmux session running the shell; closed by ``close()``.
final class TmuxPane {
  let name = "cq-pty-\(UUID().uuidString.prefix(8))"
  let home: String

  init() throws {
    home =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-pty-home-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let environment = ProcessInfo.processInfo.environment
    let binary = environment["CQ_PTY_BINARY"] ?? TestPaths.cqBinary.path
    let root = TestPaths.packageRoot().path
    let command =
      "cd '\(root)' && env -u NO_COLOR -u CQ_DATA HOME='\(home)' XDG_STATE_HOME='\(home)' "
      + "TERM=xterm-256color '\(binary)'; echo \"[exit $?]\"; sleep 60"
    // `new-session` starts the tmux server, which inherits Foundation.Process's descriptors
    // and so keeps `waitUntilExit` from ever returning: spawn it with posix_spawn instead.
    let arguments = [
      "tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
      command,
    ]
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd in Int32(0)...2 {
      posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    var argv = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    // Test threads block most signals and a spawned process inherits that mask: the shell
    // must start with none blocked, or Ctrl-C would never reach it.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/usr/bin/tmux", &actions, &attributes, &argv, environ) == 0 else {
      throw CocoaError(.executableLoad)
    }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
  }

  func send(_ keys: String...) {
    _ = try? tmux(["send-keys", "-t", name] + keys)
  }

  func capture() -> String {
    (try? tmux(["capture-pane", "-p", "-t", name])) ?? ""
  }

  /// Polls the screen for up to `seconds` until `condition` holds.
  func waitFor(
    seconds: Double = 5, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: (String) -> Bool
  ) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if condition(capture()) { return }
      Thread.sleep(forTimeInterval: 0.05)
    }
    Issue.record("screen never matched:\n\(capture())", sourceLocation: sourceLocation)
    throw CancellationError()
  }

  func close() {
    // The server is ours alone (its own socket): stop it entirely.
    _ = try? tmux(["kill-server"])
    unlink("/tmp/tmux-\(getuid())/\(name)")
    try? FileManager.default.removeItem(atPath: home)
  }

  /// Runs tmux on this pane's private server socket (never the user's own server).
  @discardableResult
  func tmux(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
    process.arguments = ["-L", name] + arguments
    process.standardError = FileHandle.nullDevice
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}
