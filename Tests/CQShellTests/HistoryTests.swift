import Foundation
import Testing

@testable import CQShell

@Suite struct HistoryTests {
  @Test func defaultPathFollowsTheEnvironment() {
    #expect(History.defaultPath(environment: ["HOME": "/home/a"]) == "/home/a/.cq_history")
    #expect(
      History.defaultPath(environment: ["HOME": "/home/a", "XDG_STATE_HOME": "/state"])
        == "/state/cq/history")
    // XDG requires an absolute path; a relative one is ignored.
    #expect(
      History.defaultPath(environment: ["HOME": "/home/a", "XDG_STATE_HOME": "rel"])
        == "/home/a/.cq_history")
    #expect(History.defaultPath(environment: ["CQ_HISTORY": "/x/h", "HOME": "/h"]) == "/x/h")
    #expect(History.defaultPath(environment: ["CQ_HISTORY": "", "HOME": "/h"]) == nil)
    #expect(History.defaultPath(environment: [:]) == nil)
  }

  @Test func skipsConsecutiveDuplicatesAndBlankLines() throws {
    let dir = try TestDirectory()
    let history = History(path: dir.file("h"))
    for line in [
      "revenue by brand", "revenue by brand", "  ", "roas by campaign", "revenue by brand",
    ] {
      #expect(history.add(line) == nil)
    }
    #expect(history.entries == ["revenue by brand", "roas by campaign", "revenue by brand"])
    #expect(try dir.read("h") == "revenue by brand\nroas by campaign\nrevenue by brand\n")
  }

  @Test func neverKeepsADatabasePassword() throws {
    let dir = try TestDirectory()
    let history = History(path: dir.file("h"))
    history.add("set engine postgres://analyst:Secret-42@db.internal:5432/campaigns")
    history.add("set engine postgresql://u@h/db?password=Other-7&sslmode=require")
    #expect(
      history.entries == [
        "set engine postgres://analyst:***@db.internal:5432/campaigns",
        "set engine postgresql://u@h/db?password=***&sslmode=require",
      ])
    let file = try dir.read("h")
    #expect(!file.contains("Secret-42") && !file.contains("Other-7"))
  }

  @Test func appendsImmediatelyAndPersistsAcrossInstances() throws {
    let dir = try TestDirectory()
    let first = History(path: dir.file("h"))
    first.add("revenue by campaign")
    // On disk before the first instance goes away: a crash loses nothing.
    #expect(try dir.read("h") == "revenue by campaign\n")
    first.add("top 5 influencer by revenue")

    let second = History(path: dir.file("h"))
    #expect(second.warnings.isEmpty)
    #expect(second.entries == ["revenue by campaign", "top 5 influencer by revenue"])
    second.add("schema")
    #expect(History(path: dir.file("h")).entries.last == "schema")
  }

  @Test func loadKeepsTheLatestOfOlderDuplicates() throws {
    let dir = try TestDirectory()
    try dir.write("h", "a\nb\na\nc\nb\n")
    #expect(History(path: dir.file("h")).entries == ["a", "c", "b"])
  }

  @Test func multiLineStatementsAreOneEntry() throws {
    let dir = try TestDirectory()
    let statement = "revenue \\\nby brand\nwhere x ~ \"a\\\\b\"\r"
    let history = History(path: dir.file("h"))
    history.add("roas by brand (\n  x\n)")
    history.add("path c:\\n not a newline")
    #expect(try dir.read("h").split(separator: "\n").count == 2)
    let reloaded = History(path: dir.file("h"))
    #expect(reloaded.entries == ["roas by brand (\n  x\n)", "path c:\\n not a newline"])
    #expect(History.decode(History.encode(statement)) == statement)
    #expect(!History.encode(statement).contains("\n"))
  }

  @Test func isBoundedInMemoryAndOnDisk() throws {
    let dir = try TestDirectory()
    let history = History(path: dir.file("h"), limit: 3)
    for index in 1...5 { history.add("revenue limit \(index)") }
    #expect(history.entries == ["revenue limit 3", "revenue limit 4", "revenue limit 5"])
    // The file holds all five until the next load compacts it.
    #expect(try dir.read("h").split(separator: "\n").count == 5)
    let reloaded = History(path: dir.file("h"), limit: 3)
    #expect(reloaded.entries == ["revenue limit 3", "revenue limit 4", "revenue limit 5"])
    #expect(try dir.read("h") == "revenue limit 3\nrevenue limit 4\nrevenue limit 5\n")
    #expect(reloaded.warnings.isEmpty)
  }

  @Test func aFewCorruptLinesAreSkippedWithAWarning() throws {
    let dir = try TestDirectory()
    try dir.write(
      "h", Array("revenue by brand\n".utf8) + [0xFF, 0xFE, 0x41, 0x0A] + Array("schema\n".utf8))
    let history = History(path: dir.file("h"))
    #expect(history.entries == ["revenue by brand", "schema"])
    #expect(history.warnings.count == 1)
    #expect(history.warnings.first?.contains("1 unreadable line") == true)
    #expect(history.isPersistent)
  }

  @Test func aBinaryFileIsNeitherLoadedNorWritten() throws {
    let dir = try TestDirectory()
    let garbage: [UInt8] = [0x00, 0x01, 0xFF, 0x0A, 0x89, 0x50, 0x4E, 0x47, 0x0A, 0xC3, 0x28, 0x0A]
    try dir.write("h", garbage)
    let history = History(path: dir.file("h"))
    #expect(history.entries.isEmpty)
    #expect(history.warnings.count == 1)
    #expect(history.warnings.first?.contains("not a text file") == true)
    #expect(history.add("revenue by brand") == nil)
    #expect(history.entries == ["revenue by brand"])
    let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file("h")))
    #expect(Array(bytes) == garbage)
  }

  @Test func anUnreadablePathIsAWarningNotAFailure() throws {
    let dir = try TestDirectory()
    try dir.makeFolder("h")  // a folder where the file should be
    let history = History(path: dir.file("h"))
    #expect(history.entries.isEmpty)
    #expect(history.warnings.count == 1)
    #expect(history.warnings.first?.hasPrefix("cannot read history file") == true)
    #expect(!history.isPersistent)
    #expect(history.add("schema") == nil)
    #expect(history.entries == ["schema"])
  }

  @Test func anUnwritableFileWarnsOnceAndHistoryGoesOn() throws {
    let dir = try TestDirectory()
    let history = History(path: dir.file("state/cq/history"))
    #expect(history.warnings.isEmpty)
    // The parent cannot be created: a regular file is in the way.
    try dir.write("state", "not a folder")
    let warning = try #require(history.add("revenue by brand"))
    #expect(warning.hasPrefix("cannot write history file '\(dir.file("state/cq/history"))'"))
    #expect(warning.hasSuffix("history will not be saved"))
    #expect(history.add("roas by brand") == nil)
    #expect(history.entries == ["revenue by brand", "roas by brand"])
  }

  @Test func createsTheXDGFolder() throws {
    let dir = try TestDirectory()
    let path = try #require(History.defaultPath(environment: ["XDG_STATE_HOME": dir.path]))
    let history = History(path: path)
    #expect(history.add("schema") == nil)
    #expect(try dir.read("cq/history") == "schema\n")
  }

  @Test func inMemoryHistoryWritesNothing() {
    let history = History(path: nil)
    #expect(history.add("schema") == nil)
    #expect(history.entries == ["schema"])
    #expect(!history.isPersistent)
  }
}

@Suite struct PipedLineReaderTests {
  @Test func readsLinesWithoutPromptsAndStripsCarriageReturns() {
    let reader = PipedLineReader(text: "revenue by brand\r\n\nroas by campaign\n")
    #expect(reader.readLine(prompt: "cq> ") == "revenue by brand")
    #expect(reader.readLine(prompt: "cq> ") == "")
    #expect(reader.readLine(prompt: "cq> ") == "roas by campaign")
    #expect(reader.readLine(prompt: "cq> ") == nil)
  }
}
