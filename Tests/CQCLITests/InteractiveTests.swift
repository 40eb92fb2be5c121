import CQTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The shell on a real pseudo-terminal, driven through tmux (SPEC §6: prompt, tables, a bad
/// statement never ends the shell, Ctrl-D exits; colour on a terminal unless NO_COLOR).
@Suite struct InteractiveTests {
  /// tmux, where the driver below can run it (Linux).
  static let tmuxPath: String? = {
    #if canImport(Glibc)
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
      FileManager.default.isExecutableFile(atPath: $0)
    }
    #else
    nil
    #endif
  }()

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func typedQueryShowsTableBadStatementDoesNotEndShellCtrlDExits() throws {
    let reference = try cq(["--format", "csv", "-c", "revenue by brand"])
    let revenue = try Delimited(reference.stdout).map("brand", "revenue")
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path], home: home
    )

    let banner = tmux.waitFor { $0.contains("Ctrl-D") }
    #expect(banner != nil, "no banner:\n\(tmux.capture())")
    // tmux drops trailing blanks, so the empty prompt reads "cq>".
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "no prompt:\n\(tmux.capture())")

    tmux.type("revenue by brand")
    let table = tmux.waitFor { $0.contains("└") }
    try #require(table != nil, "no table:\n\(tmux.capture())")
    let rows = boxTables(tmux.capture()).first ?? []
    #expect(rows.first == ["brand", "revenue"])
    for (brand, amount) in revenue {
      #expect(rows.contains([brand, tableMoney(amount)]), "\(brand) \(amount) in \(rows)")
    }

    tmux.type("bogus_metric by brand")
    #expect(
      tmux.waitFor { $0.contains("unknown metric 'bogus_metric'") } != nil, "\(tmux.capture())")
    tmux.type("orders by brand")
    let second = tmux.waitFor { boxTables($0).count == 2 }
    #expect(second != nil, "the shell went on after an error:\n\(tmux.capture())")
    #expect(boxTables(tmux.capture()).last?.first == ["brand", "orders"])

    tmux.ctrlDAtPrompt()
    let exited = tmux.waitFor { $0.contains("CQ-EXIT=") }
    #expect(exited?.contains("CQ-EXIT=0") == true, "Ctrl-D exits with status 0:\n\(tmux.capture())")
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func tabCompletesValuesCtrlCCancelsTheLineHistoryPersists() throws {
    let home = try ScratchFolder()
    let history = home.file("history").path
    let command = [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path]
    let first = try Tmux(command: command, home: home, environment: ["CQ_HISTORY": history])
    #expect(first.waitFor { Tmux.hasPrompt($0) } != nil, "\(first.capture())")

    first.keys("-l", "revenue by brand where brand=Mu")
    first.keys("Tab")
    let completed = first.waitFor { $0.contains("brand=MuscleBlaze") }
    #expect(completed != nil, "brand=Mu<TAB> completes the value:\n\(first.capture())")

    // Ctrl-C drops the line: nothing runs, and the next statement starts clean. (Give the
    // editor a moment to finish the completion: a Ctrl-C that lands while libedit is not
    // waiting for a key is dropped, a race a person cannot hit but a script can.)
    Thread.sleep(forTimeInterval: 0.3)
    first.keys("C-c")
    #expect(
      first.waitFor { $0.contains("^C") } != nil, "Ctrl-C cancels the line:\n\(first.capture())")
    first.type("orders by platform")
    #expect(first.waitFor { boxTables($0).count == 1 } != nil, "\(first.capture())")
    let screen = first.capture()
    #expect(boxTables(screen).first?.first == ["platform", "orders"])
    #expect(boxTables(screen).count == 1, "the cancelled query did not run:\n\(screen)")
    first.ctrlDAtPrompt()
    #expect(first.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(first.capture())")

    // A new session recalls it with the up arrow.
    let saved = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
    #expect(saved.contains("orders by platform"))
    #expect(!saved.contains("MuscleBlaze"), "a cancelled line is not history")
    let second = try Tmux(command: command, home: home, environment: ["CQ_HISTORY": history])
    #expect(second.waitFor { Tmux.hasPrompt($0) } != nil)
    second.keys("Up")
    #expect(second.waitFor { $0.contains("cq> orders by platform") } != nil, "\(second.capture())")
    second.keys("Enter")
    #expect(
      second.waitFor { boxTables($0).first?.first == ["platform", "orders"] } != nil,
      "\(second.capture())")
  }

  /// Tab on a continuation line reads the statement's earlier lines: after
  /// `where brand in (MuscleBlaze,` a brand completes, after `revenue by brand \` a clause.
  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func tabOnAContinuationLineCompletesInContext() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path], home: home
    )
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("orders by platform where brand in (MuscleBlaze,")
    #expect(
      tmux.waitFor { $0.contains("...>") } != nil, "no continuation prompt:\n\(tmux.capture())")
    tmux.keys("-l", "Grit")
    tmux.keys("Tab")
    #expect(
      tmux.waitFor { $0.contains("...> Gritzo") } != nil, "a brand completes:\n\(tmux.capture())")
    Thread.sleep(forTimeInterval: 0.3)
    tmux.type(")")
    #expect(tmux.waitFor { boxTables($0).count == 1 } != nil, "\(tmux.capture())")
    tmux.type("revenue by brand \\")
    #expect(tmux.waitFor { $0.contains("...>") } != nil, "\(tmux.capture())")
    tmux.keys("-l", "wher")
    tmux.keys("Tab")
    #expect(
      tmux.waitFor { $0.contains("...> where") } != nil, "a clause completes:\n\(tmux.capture())")
  }

  /// Ctrl-C on a continuation line abandons the whole pending statement, not just that line.
  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func ctrlCOnAContinuationLineDropsThePendingStatement() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path], home: home
    )
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("revenue by brand where brand in (HKVitals,")
    #expect(
      tmux.waitFor { $0.contains("...>") } != nil, "no continuation prompt:\n\(tmux.capture())")
    tmux.keys("C-c")
    #expect(tmux.waitFor { $0.contains("^C") } != nil, "\(tmux.capture())")
    tmux.type("orders by platform")
    let table = tmux.waitFor { boxTables($0).count == 1 }
    #expect(table != nil, "the next statement did not run on its own:\n\(tmux.capture())")
    #expect(boxTables(tmux.capture()).first?.first == ["platform", "orders"])
    #expect(!tmux.capture().contains("error"), "\(tmux.capture())")
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }

  /// Ctrl-C in the middle of a Ctrl-R history search cancels the search, not the shell: the
  /// session's definitions are still there afterwards.
  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func ctrlCDuringHistorySearchKeepsTheShell() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path], home: home
    )
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("define metric margin = revenue - payout")
    tmux.type("orders by platform")
    #expect(tmux.waitFor { boxTables($0).count == 1 } != nil, "\(tmux.capture())")
    _ = tmux.waitFor { Tmux.endsAtPrompt($0) }
    Thread.sleep(forTimeInterval: 0.3)
    tmux.keys("C-r")
    tmux.keys("-l", "ord")
    #expect(tmux.waitFor { $0.contains("bck:ord") } != nil, "Ctrl-R searches:\n\(tmux.capture())")
    // As above: give the editor time to wait for the next key (a busy machine needs more).
    Thread.sleep(forTimeInterval: 0.6)
    tmux.keys("C-c")
    #expect(tmux.waitFor { $0.contains("^C") } != nil, "\(tmux.capture())")
    Thread.sleep(forTimeInterval: 0.3)
    #expect(
      !tmux.capture().contains("CQ-EXIT="), "Ctrl-C in a search ended the shell:\n\(tmux.capture())"
    )
    tmux.type("margin by platform")
    let table = tmux.waitFor { boxTables($0).count == 2 }
    #expect(table != nil, "the shell and its definitions survive:\n\(tmux.capture())")
    #expect(boxTables(tmux.capture()).last?.first == ["platform", "margin"])
    tmux.ctrlDAtPrompt()
    #expect(tmux.waitFor { $0.contains("CQ-EXIT=0") } != nil, "\(tmux.capture())")
  }

  /// Ctrl-C while a query runs stops it and returns to the prompt; the shell goes on.
  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func ctrlCDuringALongQueryReturnsToThePrompt() throws {
    let home = try ScratchFolder()
    let tmux = try Tmux(
      command: [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path],
      home: home,
      environment: ["CQ_TEST_QUERY_DELAY_MS": "20000"])
    #expect(tmux.waitFor { Tmux.hasPrompt($0) } != nil, "\(tmux.capture())")
    tmux.type("revenue by brand")
    Thread.sleep(forTimeInterval: 0.5)
    tmux.keys("C-c")
    let cancelled = tmux.waitFor(timeout: 5) { $0.contains("query cancelled") }
    #expect(cancelled != nil, "Ctrl-C did not stop the query:\n\(tmux.capture())")
    #expect(!tmux.capture().contains("└"), "a cancelled query shows no table")
    #expect(tmux.waitFor { $0.hasSuffix("cq>") || Tmux.hasPrompt($0) } != nil)
    tmux.ctrlDAtPrompt()
    let exited = tmux.waitFor { $0.contains("CQ-EXIT=") }
    #expect(exited?.contains("CQ-EXIT=0") == true, "\(tmux.capture())")
  }

  @Test(.enabled(if: InteractiveTests.tmuxPath != nil, "tmux is not installed (or not Linux)"))
  func terminalTablesAreColouredUnlessNoColor() throws {
    let home = try ScratchFolder()
    let command = [TestPaths.cqBinary.path, "--norc", "--data", TestPaths.bundledData.path]
    let coloured = try Tmux(command: command, home: home)
    let plain = try Tmux(command: command, home: home, environment: ["NO_COLOR": "1"])
    for tmux in [coloured, plain] {
      #expect(tmux.waitFor { $0.contains("Ctrl-D") } != nil)
      tmux.type("revenue by brand")
      #expect(tmux.waitFor { $0.contains("└") } != nil, "\(tmux.capture())")
    }
    #expect(coloured.capture(escapes: true).contains("\u{1B}["), "a terminal gets colour")
    #expect(!plain.capture(escapes: true).contains("\u{1B}["), "NO_COLOR turns it off")
  }
}

/// One tmux server (its own socket) running one command in a 120×40 window.
final class Tmux {
  /// The server's socket, inside the scratch HOME (removed with it).
  let socket: String
  let executable: String
  /// Kept alive until the server is gone: it holds the socket.
  let home: ScratchFolder

  /// Runs `command` with `HOME` set to `home` (no rc, no history leaks) and prints
  /// `CQ-EXIT=<status>` when it ends, keeping the window open to read it.
  init(command: [String], home: ScratchFolder, environment: [String: String] = [:]) throws {
    guard let path = InteractiveTests.tmuxPath else { throw OutputError("tmux is not installed") }
    executable = path
    self.home = home
    socket = home.file("tmux-\(UUID().uuidString.prefix(8)).sock").path
    func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    var env = ["HOME": home.path, "XDG_STATE_HOME": home.path]
    for (k, v) in environment { env[k] = v }
    let assignments = env.sorted { $0.key < $1.key }.map { quote("\($0.key)=\($0.value)") }
    let line =
      (["env", "-u", "NO_COLOR", "-u", "CQ_DATA", "-u", "CQ_HISTORY"] + assignments
      + command.map(quote)).joined(separator: " ")
      + "; echo CQ-EXIT=$?; sleep 60"
    try run(["new-session", "-d", "-s", "cq", "-x", "120", "-y", "40", line])
  }

  deinit { _ = try? run(["kill-server"]) }

  #if canImport(Glibc)
  /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; not visible to Swift's importer).
  static let addCloseFrom:
    (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
      guard
        let symbol = dlsym(
          UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
      else {
        return nil
      }
      return unsafeBitCast(
        symbol,
        to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self
      )
    }()
  #endif

  /// Runs tmux with `arguments` and returns its standard output.
  ///
  /// Not `Process`: the tmux server outlives the client that starts it and would inherit
  /// Foundation's exit-watch descriptor (so waiting for the client never ends), and the test
  /// runner's threads block signals, which the server and `cq` would inherit (no SIGCHLD, no
  /// SIGINT). So: posix_spawn with every signal unblocked and at its default, every other
  /// descriptor closed, and waitpid.
  @discardableResult
  func run(_ arguments: [String]) throws -> String {
    #if canImport(Glibc)
    let argv =
      ([executable, "-S", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
    defer { for word in argv { free(word) } }
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { throw OutputError("pipe failed") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    if let closeFrom = Tmux.addCloseFrom { _ = closeFrom(&actions, 3) }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    var all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    close(fds[1])
    defer { close(fds[0]) }
    guard spawned == 0 else { throw OutputError("cannot run tmux: \(spawned)") }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = read(fds[0], &buffer, buffer.count)
      if n < 0, errno == EINTR { continue }
      if n <= 0 { break }
      output += buffer[0..<n]
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return String(decoding: output, as: UTF8.self)
    #else
    throw OutputError("the tmux driver needs Glibc")
    #endif
  }

  /// Whether a screen line is the shell's prompt (tmux drops its trailing blank).
  static func hasPrompt(_ screen: String) -> Bool {
    screen.split(separator: "\n").contains { $0 == "cq>" || $0.hasPrefix("cq> ") }
  }

  /// Whether the screen ends at an empty `cq>` prompt (libedit is reading keys).
  static func endsAtPrompt(_ screen: String) -> Bool {
    screen.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } == "cq>"
  }

  /// Ctrl-D once the shell waits at an empty prompt.
  ///
  /// A key sent while a statement's output is still being written reaches the terminal in
  /// cooked mode, where Ctrl-D is not a character and is lost; a person waits for the prompt,
  /// and so does this.
  func ctrlDAtPrompt() {
    _ = waitFor { Tmux.endsAtPrompt($0) }
    Thread.sleep(forTimeInterval: 0.2)
    keys("C-d")
  }

  /// Types `text` literally, then Enter.
  func type(_ text: String) {
    _ = try? run(["send-keys", "-t", "cq", "-l", text])
    keys("Enter")
  }

  /// Sends key names (`Enter`, `C-d`).
  func keys(_ names: String...) {
    _ = try? run(["send-keys", "-t", "cq"] + names) as String
  }

  /// The visible screen (with `escapes`, the colour sequences too).
  func capture(escapes: Bool = false) -> String {
    (try? run(["capture-pane", "-p", "-t", "cq"] + (escapes ? ["-e"] : []))) ?? ""
  }

  /// The screen with everything scrolled above it.
  func captureAll() -> String {
    (try? run(["capture-pane", "-p", "-J", "-S", "-", "-t", "cq"])) ?? ""
  }

  /// Polls the screen until `done` holds (returns it) or `timeout` seconds pass (nil).
  func waitFor(timeout: Double = 15, _ done: (String) -> Bool) -> String? {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let screen = capture()
      if done(screen) { return screen }
      Thread.sleep(forTimeInterval: 0.1)
    }
    return nil
  }
}
