import CQRendering
import Foundation
import Testing

@Suite struct AtomicFileWriterTests {
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-render-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func read(_ url: URL) -> String? { try? String(contentsOf: url, encoding: .utf8) }

  /// Renaming a temporary file over /dev/null would replace the device with a plain file.
  @Test func writesDevicesInPlace() throws {
    try AtomicFileWriter.write("x,y\n", to: "/dev/null", append: false)
    try AtomicFileWriter.write("x,y\n", to: "/dev/null", append: true)
    let type =
      try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
    #expect(type == .typeCharacterSpecial)
  }

  /// `>> out.json` adds the new rows to the array already there: the file stays one document.
  @Test func appendingAJSONArrayJoinsTheArrayInTheFile() throws {
    let url = directory.appendingPathComponent("out.json")
    let first = "[\n  {\"brand\":\"A\",\"revenue\":1.5}\n]\n"
    let second = "[\n  {\"brand\":\"B\",\"orders\":2}\n]\n"
    try AtomicFileWriter.write(first, to: url.path, append: true, joiningJSONArrays: true)
    try AtomicFileWriter.write(second, to: url.path, append: true, joiningJSONArrays: true)
    try AtomicFileWriter.write("[]\n", to: url.path, append: true, joiningJSONArrays: true)
    #expect(
      read(url) == "[\n  {\"brand\":\"A\",\"revenue\":1.5},\n  {\"brand\":\"B\",\"orders\":2}\n]\n")
    let parsed = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]]
    #expect(parsed?.count == 2)

    // Onto an empty array; and onto a file that is not an array, a plain append.
    try AtomicFileWriter.write("[]\n", to: url.path, append: false)
    try AtomicFileWriter.write(second, to: url.path, append: true, joiningJSONArrays: true)
    #expect(read(url) == second)
    try AtomicFileWriter.write("{\"a\":1}", to: url.path, append: false)
    try AtomicFileWriter.write(second, to: url.path, append: true, joiningJSONArrays: true)
    #expect(read(url) == "{\"a\":1}\n" + second)
  }

  @Test func writesAndReplaces() throws {
    let url = directory.appendingPathComponent("roas.csv")
    try AtomicFileWriter.write("a,b\n1,2\n", to: url.path, append: false)
    #expect(read(url) == "a,b\n1,2\n")
    try AtomicFileWriter.write("c\n", to: url.path, append: false)
    #expect(read(url) == "c\n")
    // No temporary files left behind.
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    #expect(names == ["roas.csv"])
  }

  @Test func appends() throws {
    let url = directory.appendingPathComponent("log.csv")
    try AtomicFileWriter.write("a,b\n", to: url.path, append: true)
    try AtomicFileWriter.write("1,2\n", to: url.path, append: true)
    #expect(read(url) == "a,b\n1,2\n")
    // A file without a final line break gets one before the new text.
    try "x".write(to: url, atomically: false, encoding: .utf8)
    try AtomicFileWriter.write("y\n", to: url.path, append: true)
    #expect(read(url) == "x\ny\n")
  }

  @Test func keepsModeOfExistingFile() throws {
    let url = directory.appendingPathComponent("private.csv")
    try AtomicFileWriter.write("1\n", to: url.path, append: false)
    try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
    try AtomicFileWriter.write("2\n", to: url.path, append: true)
    let mode = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func missingDirectory() {
    let path = directory.appendingPathComponent("nope/out.csv").path
    #expect {
      try AtomicFileWriter.write("x", to: path, append: false)
    } throws: { error in
      guard let error = error as? FileWriteError else { return false }
      return error.code == .noSuchDirectory && error.path == path
        && error.description
          == "cannot write '\(path)': no such directory; create '\(directory.path)/nope' first or choose another path"
    }
  }

  @Test func directoryAsTarget() {
    #expect {
      try AtomicFileWriter.write("x", to: directory.path, append: false)
    } throws: { error in
      (error as? FileWriteError)?.code == .isDirectory
        && "\(error)".contains("add a file name, such as")
    }
  }

  @Test func unwritableDirectoryLeavesFileIntact() throws {
    let url: URL
    let before: String?
    if getuid() == 0 {
      // Root writes anywhere it has permission bits for; a directory that takes no new files
      // at all stands in for a read-only one.
      #if os(Linux)
      url = URL(fileURLWithPath: "/proc/version")
      #else
      return
      #endif
    } else {
      let locked = directory.appendingPathComponent("locked")
      try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: true)
      url = locked.appendingPathComponent("keep.csv")
      try AtomicFileWriter.write("old\n", to: url.path, append: false)
      try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: locked.path)
    }
    defer {
      try? FileManager.default.setAttributes(
        [.posixPermissions: 0o700], ofItemAtPath: directory.appendingPathComponent("locked").path)
    }
    before = read(url)
    #expect(before != nil)
    #expect {
      try AtomicFileWriter.write("new\n", to: url.path, append: true)
    } throws: { error in
      // /proc/version (mode 0444) is refused as a write-protected file before its directory.
      (error as? FileWriteError)?.code == (getuid() == 0 ? .readOnlyFile : .permissionDenied)
        && "\(error)".hasPrefix("cannot write '\(url.path)': ")
    }
    #expect(read(url) == before)
  }

  @Test func failedRenameLeavesFileIntact() throws {
    // A target whose name is taken by a non-empty directory cannot be replaced by rename;
    // simulate a late failure with a read-only file system instead when running as root.
    let url = directory.appendingPathComponent("keep.csv")
    try AtomicFileWriter.write("old\n", to: url.path, append: false)
    let blocker = directory.appendingPathComponent("keep.csv/inside")
    #expect(throws: FileWriteError.self) {
      try AtomicFileWriter.write("new\n", to: blocker.path, append: false)
    }
    #expect(read(url) == "old\n")
  }

  @Test func matchesByCode() {
    do {
      try AtomicFileWriter.write("x", to: "/definitely/not/here.csv", append: false)
      Issue.record("expected an error")
    } catch FileWriteError.noSuchDirectory {
      // matched
    } catch {
      Issue.record("unexpected \(error)")
    }
  }
}

/// A write-protected file is refused, never replaced by the rename (as root too, where
/// `access(W_OK)` always succeeds: a file with no write bit is read-only for everyone).
@Suite struct AtomicFileWriterReadOnlyTests {
  @Test(arguments: [false, true])
  func aFileWithoutWriteBitsIsRefusedAndKept(append: Bool) throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-render-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let url = directory.appendingPathComponent("locked.csv")
    try AtomicFileWriter.write("old\n", to: url.path, append: false)
    try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: url.path)
    #expect {
      try AtomicFileWriter.write("new\n", to: url.path, append: append)
    } throws: { error in
      guard case FileWriteError.readOnlyFile = error else { return false }
      return "\(error)" == "cannot write '\(url.path)': the file is read-only; "
        + "make it writable (chmod u+w '\(url.path)') or choose another path"
    }
    #expect(try String(contentsOf: url, encoding: .utf8) == "old\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["locked.csv"])
  }
}
