import CQTestSupport
import Testing

/// The snapshot helper's diff aligns lines (`difference(from:)`): one inserted line is one `+`
/// line, not every later line reported as changed.
@Suite struct LineDiffTests {
  @Test func anInsertedLineIsOneChange() {
    let expected = "a\nb\nc\nd\ne\nf"
    let actual = "a\nb\nNEW\nc\nd\ne\nf"
    #expect(lineDiff(expected: expected, actual: actual) == " 1| a\n 2| b\n+3| NEW\n 4| c\n 5| d")
  }

  @Test func aChangedLineIsARemovalAndAnInsertion() {
    let diff = lineDiff(expected: "x\ny\nz", actual: "x\nY\nz", context: 0)
    #expect(diff == "-2| y\n+2| Y")
  }

  @Test func distantChangesAreSeparatedAndEqualTextHasNoDiff() {
    let expected = (1...20).map(String.init).joined(separator: "\n")
    var lines = (1...20).map(String.init)
    lines.remove(at: 1)
    lines[17] = "X"
    let diff = lineDiff(expected: expected, actual: lines.joined(separator: "\n"), context: 1)
    #expect(diff == " 1| 1\n-2| 2\n 2| 3\n…\n 17| 18\n-19| 19\n+18| X\n 19| 20")
    #expect(lineDiff(expected: expected, actual: expected) == "")
  }
}
