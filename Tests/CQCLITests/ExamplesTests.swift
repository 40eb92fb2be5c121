import CQTestSupport
import Foundation
import Testing

/// Every saved script in `examples/` runs on the bundled data and matches its reviewed golden file.
@Suite struct ExamplesTests {
  static var scripts: [String] {
    let dir = TestPaths.packageRoot().appendingPathComponent("examples")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { $0.hasSuffix(".cq") }.sorted()
  }

  @Test func examplesExist() {
    #expect(Self.scripts.count >= 5)
  }

  @Test(arguments: ExamplesTests.scripts)
  func example(_ name: String) throws {
    let root = TestPaths.packageRoot()
    let run = try runCQ(
      ["--norc", "--data", "data", "run", "examples/\(name)"], currentDirectory: root)
    #expect(run.status == 0, "\(name) exited \(run.status): \(run.stderr)")
    let text = run.stdout + "--- stderr\n" + run.stderr + "--- status \(run.status)\n"
    assertSnapshot(text, named: "example-" + name.replacingOccurrences(of: ".cq", with: ""))
  }
}
