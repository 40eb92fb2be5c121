import Testing

@testable import CQShell

/// Each setting is declared once (`Session.settingNames`); `show settings`, `help set` and
/// completion read that declaration.
@Suite struct SettingDeclarationTests {
  @Test(arguments: Session.settingNames.map(\.name))
  func everyReaderCoversTheSetting(name: String) throws {
    let session = Session(options: SessionOptions(), out: { _ in }, err: { _ in })
    let entry = try #require(Session.settingNames.first { $0.name == name })
    #expect(!session.settingValue(name).isEmpty, "show settings has a value for \(name)")
    #expect(try #require(Help.topic("set")).contains("\n  \(name) "), "help set lists \(name)")
    // Settings whose values are a list of words offer those words to Tab.
    let words = entry.values.components(separatedBy: " | ")
    if words.allSatisfy({ $0.allSatisfy(\.isLowercase) }) {
      let offered = CompletionVocabulary.standardSettingValues(name)
      for word in words { #expect(offered.contains(word), "Tab after 'set \(name) ' offers \(word)") }
    }
  }
}
