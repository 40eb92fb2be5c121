import CQTestSupport
import Foundation
import Testing

/// Runs `cq --norc --data <bundled data> ARGS…` with standard output sent to the file at
/// `stdoutPath` (such as `/dev/full`, a device that refuses every write as a full disk would);
/// returns standard error and the exit status.
func cq(
  _ arguments: [String], stdoutTo stdoutPath: String, stdin: String? = nil,
  in directory: URL? = nil
) throws -> (stderr: String, status: Int32) {
  let process = Process()
  process.executableURL = TestPaths.cqBinary
  process.arguments = ["--norc", "--data", TestPaths.bundledData.path] + arguments
  var environment = ProcessInfo.processInfo.environment
  environment.removeValue(forKey: "CQ_DATA")
  let home = FileManager.default.temporaryDirectory.appendingPathComponent(
    "cq-home-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: home) }
  environment["HOME"] = home.path
  process.environment = environment
  if let directory { process.currentDirectoryURL = directory }
  let output = try #require(FileHandle(forWritingAtPath: stdoutPath))
  defer { try? output.close() }
  let errPipe = Pipe()
  let inPipe = Pipe()
  process.standardOutput = output
  process.standardError = errPipe
  process.standardInput = inPipe
  try process.run()
  if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
  try inPipe.fileHandleForWriting.close()
  let errData = errPipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (String(decoding: errData, as: UTF8.self), process.terminationStatus)
}

/// Standard output that cannot be written (a full disk) fails the statement with status 4 and
/// says so on standard error; it is never a silent exit 0 with the output cut short.
@Suite struct StandardOutputTests {
  static let full = "/dev/full"

  @Test func aResultThatCannotBeWrittenExitsFour() throws {
    let run = try cq(["--format", "csv", "-c", "revenue by user"], stdoutTo: Self.full)
    #expect(run.status == 4, "\(run.stderr)")
    let first = lines(run.stderr).first ?? ""
    #expect(
      first == "-c:1:1: error: cannot write standard output: no space left on device; "
        + "free some space or send the output elsewhere", "\(run.stderr)")
  }

  @Test func theRunStopsAtTheFirstCutResultEvenWithContinue() throws {
    let run = try cq(
      ["--continue", "-c", "revenue by brand", "-c", "orders by brand"], stdoutTo: Self.full)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(run.stderr.contains("-c:1:1: error: cannot write standard output"), "\(run.stderr)")
    #expect(!run.stderr.contains("-c:2:"), "nothing runs after output was cut: \(run.stderr)")
  }

  @Test func scriptsOnStandardInputAndHelpTextAreCheckedToo() throws {
    let piped = try cq([], stdoutTo: Self.full, stdin: "revenue by brand\n")
    #expect(piped.status == 4, "\(piped.stderr)")
    #expect(
      piped.stderr.hasPrefix("<stdin>:1:1: error: cannot write standard output: "),
      "\(piped.stderr)")

    let help = try cq(["--help"], stdoutTo: Self.full)
    #expect(help.status == 4, "\(help.stderr)")
    #expect(
      help.stderr.hasPrefix("error: cannot write standard output: no space left on device"),
      "\(help.stderr)")

    let explain = try cq(["-c", "explain revenue by brand"], stdoutTo: Self.full)
    #expect(explain.status == 4, "\(explain.stderr)")
  }

  @Test func statementsThatWriteNothingToStandardOutputStillSucceed() throws {
    let dir = try ScratchFolder()
    let run = try cq(["-c", "revenue by brand > out.csv"], stdoutTo: Self.full, in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try dir.read("out.csv").hasPrefix("brand,revenue\n"))
  }

  @Test func aWritableStandardOutputIsUnaffected() throws {
    let dir = try ScratchFolder()
    let path = dir.file("out.csv").path
    #expect(FileManager.default.createFile(atPath: path, contents: nil))
    let run = try cq(["--format", "csv", "-c", "revenue by brand"], stdoutTo: path)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try dir.read("out.csv").hasPrefix("brand,revenue\n"))
  }
}
