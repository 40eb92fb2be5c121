import Foundation
import Testing

@testable import CQShell

#if canImport(Glibc)
import Glibc
#endif

/// The history file is read only when it is a regular file, and only its last few megabytes:
/// a device or FIFO turns history off with one warning, never blocking the prompt.
@Suite struct HistoryFileKindTests {
  @Test func aDeviceTurnsHistoryOffWithOneWarning() {
    let history = History(path: "/dev/null")
    #expect(
      history.warnings
        == [
          "history file '/dev/null' is not a regular file (a device); history is off for this session"
        ])
    #expect(!history.isPersistent)
    #expect(history.add("revenue by brand") == nil)
    #expect(history.entries == ["revenue by brand"])
  }

  #if canImport(Glibc)
  /// Opening a FIFO for reading waits for a writer: the history must not (the test gives up
  /// after ten seconds rather than hang).
  @Test func aFIFOIsNotOpenedForAWriter() throws {
    let dir = try TestDirectory()
    let fifo = dir.file("history")
    try #require(mkfifo(fifo, 0o600) == 0)
    nonisolated(unsafe) var history: History?
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      history = History(path: fifo)
      done.signal()
    }
    try #require(done.wait(timeout: .now() + 10) == .success, "loading the history blocked")
    #expect(
      history?.warnings
        == [
          "history file '\(fifo)' is not a regular file (a named pipe); history is off for this session"
        ])
    #expect(history?.add("schema") == nil, "nothing is written to the FIFO")
  }
  #endif

  @Test func onlyTheEndOfALargeFileIsReadFromALineStart() throws {
    let dir = try TestDirectory()
    let lines = (1...1000).map { "revenue by brand where orders > \($0)" }
    try dir.write("h", lines.joined(separator: "\n") + "\n")
    let history = History(path: dir.file("h"), maximumBytes: 200)
    #expect(history.warnings.isEmpty)
    #expect(!history.entries.isEmpty && history.entries.count <= 200 / 30)
    #expect(history.entries.last == lines.last)
    #expect(
      history.entries.allSatisfy { lines.contains($0) }, "no partial line: \(history.entries)")
    #expect(History(path: dir.file("h")).entries.count == 1000, "the default reads it all")
  }
}
