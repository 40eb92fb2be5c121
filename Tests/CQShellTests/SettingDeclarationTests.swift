import CQLanguage
import CQSimulator
import Foundation
import Testing

@testable import CQShell

/// Each setting is declared once, in `Setting.all`.
///
/// `set`, `show settings`, `help set`, Tab and `save` read that declaration. Every entry is
/// checked against every reader, so a setting cannot be half-added.
@Suite struct SettingDeclarationTests {
  /// A value to try for each free-form setting, and what `show settings` then says.
  static let examples: [String: (value: String, shown: String)] = [
    "currency": ("€", "€"),
    "param": ("week 2025-06-02", "week=2025-06-02"),
    "rows": ("1k", "1000"),
    "tiers": ("5k 20k 2L 1M", "nano < 5k ≤ micro < 20k ≤ mid < 200k ≤ macro < 1M ≤ mega"),
    "width": ("80", "80"),
  ]

  /// Settings whose values need a system outside the test (a database): only a refused value
  /// is tried.
  static let external: Set<String> = ["engine"]

  /// A session on a small simulated data set (allocation and tiers need an engine).
  static let folder: String = {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("cq-setting-tests-\(UUID().uuidString)").path
    _ = try? Simulator.write(SimulatorOptions(seed: 7, scale: 1), to: path, progress: nil)
    return path
  }()

  static func session() -> Session {
    var options = SessionOptions()
    options.format = .csv
    let session = Session(options: options, out: { _ in }, err: { _ in })
    _ = session.load(folder: folder, quiet: true)
    return session
  }

  @Test func namesAreUniqueAndSorted() {
    let names = Setting.all.map(\.name)
    #expect(names == names.sorted())
    #expect(Set(names).count == names.count)
  }

  @Test(arguments: Setting.all.map(\.name))
  func everyReaderCoversTheSetting(name: String) throws {
    let setting = try #require(Setting.named(name))
    let session = Self.session()
    #expect(session.engine != nil)

    // set: every spelling the declaration accepts parses and applies; others are refused.
    var spellings: [(typed: String, shown: String)] = []
    switch setting.values {
    case .choices(let choices):
      for choice in choices {
        spellings.append((choice.name, choice.name))
        spellings += choice.synonyms.map { ($0, choice.name) }
        spellings.append((choice.name.uppercased(), choice.name))
      }
      #expect(session.execute("set \(name) bogus_value", fileName: nil) == 3)
    case .form:
      if Self.external.contains(name) {
        #expect(session.execute("set \(name) bogus_value", fileName: nil) != 0)
        break
      }
      guard case .form(_, let offered) = setting.values else { break }
      let example = try #require(Self.examples[name], "an example value for \(name)")
      spellings.append((example.value, example.shown))
      for word in offered { spellings.append((word, "")) }
    }
    for (typed, shown) in spellings {
      let statement = "set \(name) \(typed)"
      let parsed = Parser.parse(statement)
      #expect(parsed.diagnostics.isEmpty, "\(statement)")
      #expect(session.execute(statement, fileName: nil) == 0, "\(statement)")
      if !shown.isEmpty { #expect(session.settingValue(name) == shown, "\(statement)") }
    }

    // show settings: a row with the value and the declared values.
    let table = session.settingsTable()
    let row = try #require(table.rows.first { $0.first == .text(name) })
    #expect(row[1] == .text(session.settingValue(name)))
    #expect(row[2] == .text(setting.valuesText))
    #expect(!session.settingValue(name).isEmpty)

    // help set: the name and its values.
    let help = try #require(Help.topic("set"))
    #expect(help.contains("\n  \(name) "), "help set lists \(name)")
    #expect(help.contains(setting.valuesText), "help set gives \(name)'s values")

    // Tab: the name after `set `, the declared values after `set NAME `.
    let vocabulary = session.vocabulary
    func complete(_ line: String) -> [String] {
      Completer.complete(
        line: line, cursor: line.utf8.count, vocabulary: vocabulary, currentDirectory: "/"
      )
      .candidates
    }
    #expect(complete("set ").contains(name))
    #expect(complete("set \(name) ") == setting.offered.sorted())
  }

  @Test func colorTakesSpecSpellingsAndDeclaredSynonyms() throws {
    let color = try #require(Setting.named("color"))
    #expect(color.valuesText == "auto | always | never")
    #expect(color.choice("on") == "always")
    #expect(color.choice("OFF") == "never")
    #expect(color.choice("sometimes") == nil)
    #expect(ColorMode(spelling: "Always") == .always)
    #expect(ColorMode.allCases.map(\.rawValue) == ["auto", "always", "never"])
  }

  @Test func numbersReadOneWayEverywhere() {
    for (text, value) in [
      ("2L", 200_000.0), ("1cr", 10_000_000), ("10k", 10_000), ("5%", 0.05),
      ("1.5x", 1.5), ("1_000", 1_000), ("2.5M", 2_500_000), ("-3", -3),
    ] {
      #expect(NumberLiteral.value(of: text) == value, "\(text)")
    }
    for text in ["L", "k2", "1__0", "_1", "1.2.3", "x", "2 L"] {
      #expect(NumberLiteral.value(of: text) == nil, "\(text)")
    }
    let session = Self.session()
    #expect(session.execute("set tiers 5k 20k 2L 1M", fileName: nil) == 0)
    #expect(session.settingValue("tiers").contains("< 200k ≤"))
  }
}
