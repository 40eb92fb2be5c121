import CQTestSupport
import Foundation
import Testing

/// `> FILE`, `>> FILE` and `--output FILE` refuse a write-protected file, as a shell's `>`
/// does: exit 4, the file as it was, and a message naming it. (The tests run as root, for whom
/// `access(W_OK)` always succeeds: cq also refuses a file with no write bit at all.)
@Suite struct ReadOnlyFileTests {
  static let kept = "keep,me\n1,2\n"

  /// A scratch folder holding `locked.csv` with mode 0444 (and `link.csv` pointing at it).
  func lockedFolder() throws -> ScratchFolder {
    let dir = try ScratchFolder()
    try dir.write(Self.kept, to: "locked.csv")
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o444], ofItemAtPath: dir.file("locked.csv").path)
    try FileManager.default.createSymbolicLink(
      atPath: dir.file("link.csv").path, withDestinationPath: "locked.csv")
    return dir
  }

  func mode(_ url: URL) throws -> Int {
    try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
  }

  @Test(arguments: [
    "revenue by brand > locked.csv", "revenue by brand >> locked.csv",
    "revenue by brand > link.csv",
  ])
  func aRedirectOntoAWriteProtectedFileExitsFourAndKeepsIt(_ statement: String) throws {
    let dir = try lockedFolder()
    let run = try cq(["-c", statement], in: dir.url)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(run.stdout == "")
    let shown = statement.hasSuffix("link.csv") ? "link.csv" : "locked.csv"
    let first = lines(run.stderr).first ?? ""
    #expect(
      first == "-c:1:1: error: cannot write '\(shown)': the file is read-only; "
        + "make it writable (chmod u+w '\(shown)') or choose another path", "\(run.stderr)")
    #expect(try dir.read("locked.csv") == Self.kept)
    #expect(try mode(dir.file("locked.csv")) == 0o444)
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(left == ["link.csv", "locked.csv"], "no temporary file left behind")
  }

  @Test func outputOptionRefusesAWriteProtectedFile() throws {
    let dir = try lockedFolder()
    let run = try cq(["--output", "locked.csv", "-c", "revenue by brand"], in: dir.url)
    #expect(run.status == 4, "\(run.stderr)")
    #expect(
      run.stderr.contains("cannot write 'locked.csv': the file is read-only"), "\(run.stderr)")
    #expect(try dir.read("locked.csv") == Self.kept)
  }

  @Test func aFileWithAnyWriteBitIsStillReplacedAndKeepsItsMode() throws {
    let dir = try lockedFolder()
    try FileManager.default.setAttributes(
      [.posixPermissions: 0o640], ofItemAtPath: dir.file("locked.csv").path)
    let run = try cq(["-c", "revenue by brand > locked.csv"], in: dir.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(try dir.read("locked.csv").hasPrefix("brand,revenue\n"))
    #expect(try mode(dir.file("locked.csv")) == 0o640)
  }
}
