import CQTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc

/// Runs `cq --norc --data FOLDER ARGS…`, killing it after `seconds` (a load that blocks on a
/// FIFO must fail the test, not hang it); `timedOut` says whether it had to be killed.
func cq(
  data folder: String, _ arguments: [String], killAfter seconds: Double = 30
) throws -> (run: (stdout: String, stderr: String, status: Int32), timedOut: Bool) {
  let process = Process()
  process.executableURL = TestPaths.cqBinary
  process.arguments = ["--norc", "--data", folder] + arguments
  var environment = ProcessInfo.processInfo.environment
  environment.removeValue(forKey: "CQ_DATA")
  environment.removeValue(forKey: "CQ_NO_CACHE")
  process.environment = environment
  let outPipe = Pipe()
  let errPipe = Pipe()
  process.standardOutput = outPipe
  process.standardError = errPipe
  process.standardInput = FileHandle.nullDevice
  try process.run()
  nonisolated(unsafe) var killed = false
  let watchdog = DispatchWorkItem {
    if process.isRunning {
      killed = true
      process.terminate()
    }
  }
  DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: watchdog)
  nonisolated(unsafe) var errData = Data()
  let group = DispatchGroup()
  group.enter()
  DispatchQueue.global().async {
    errData = errPipe.fileHandleForReading.readDataToEndOfFile()
    group.leave()
  }
  let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
  group.wait()
  process.waitUntilExit()
  watchdog.cancel()
  let run = (
    stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self), status: process.terminationStatus
  )
  return (run, killed)
}

/// A data file that is not a regular file (a FIFO) or a symbolic link to nothing fails the
/// load at once with exit 4, naming the file; it neither blocks nor counts as absent.
@Suite struct DataFileKindTests {
  @Test(arguments: ["posts.csv", "store_orders.csv"])
  func aFIFONamedAsADataFileFailsAtOnce(_ name: String) throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "data")
    let path = data.appendingPathComponent(name).path
    try FileManager.default.removeItem(atPath: path)
    try #require(mkfifo(path, 0o644) == 0)
    let (run, timedOut) = try cq(data: data.path, ["-c", "revenue by brand"])
    #expect(!timedOut, "the load blocked on the FIFO")
    #expect(run.status == 4, "\(run.stderr)")
    #expect(run.stdout == "")
    #expect(
      lines(run.stderr).first
        == "\(path): cannot read: not a regular file (a named pipe); save the data as a regular CSV file",
      "\(run.stderr)")
  }

  @Test func aDanglingLinkForAnOptionalFileIsReportedNotTakenAsAbsent() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "data")
    let link = data.appendingPathComponent("store_orders.csv").path
    try FileManager.default.removeItem(atPath: link)
    // First a load without the file, so a cache of the folder records it as absent.
    let (absent, _) = try cq(data: data.path, ["-c", "revenue by brand"])
    #expect(absent.status == 0, "\(absent.stderr)")
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: "../exports/store_orders.csv")
    let (run, timedOut) = try cq(data: data.path, ["-c", "lift_revenue by brand"])
    #expect(!timedOut)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(
      lines(run.stderr).first
        == "\(link): cannot read: it is a symbolic link to '../exports/store_orders.csv', "
        + "which does not exist; fix the link or remove it", "\(run.stderr)")
  }

  @Test func aDanglingLinkForARequiredFileNamesTheLinkAndItsTarget() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "data")
    let link = data.appendingPathComponent("payouts.csv").path
    try FileManager.default.removeItem(atPath: link)
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: "/nowhere/payouts.csv")
    let (run, _) = try cq(data: data.path, ["-c", "revenue by brand"])
    #expect(run.status == 4, "\(run.stderr)")
    #expect(
      run.stderr.hasPrefix(
        "\(link): cannot read: it is a symbolic link to '/nowhere/payouts.csv', which does not exist"
      ),
      "\(run.stderr)")
  }

  @Test func aLinkToARegularFileStillLoads() throws {
    let dir = try ScratchFolder()
    let data = try dir.copyBundledData(to: "data")
    let link = data.appendingPathComponent("payouts.csv").path
    try FileManager.default.moveItem(atPath: link, toPath: dir.file("payouts-export.csv").path)
    try FileManager.default.createSymbolicLink(
      atPath: link, withDestinationPath: "../payouts-export.csv")
    let (run, _) = try cq(data: data.path, ["--format", "csv", "-c", "payout by platform"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.hasPrefix("platform,payout\n"), "\(run.stdout)")
  }
}
#endif
