import CQEngine
import CQLanguage
import CQRendering
import CQStorage

extension Session {
  /// The value `name` has now, as `set NAME VALUE` spells it (`""` for no such setting).
  func settingValue(_ name: String) -> String {
    Setting.named(name)?.current(self) ?? ""
  }

  /// `show settings`: each setting of ``Setting/all``, its value, values and meaning.
  func settingsTable() -> ResultSet {
    ResultSet(
      columns: [
        ResultColumn(name: "setting", role: .plain, format: .text),
        ResultColumn(name: "value", role: .plain, format: .text),
        ResultColumn(name: "values", role: .plain, format: .text),
        ResultColumn(name: "meaning", role: .plain, format: .text),
      ],
      rows: Setting.all.map { setting in
        [
          .text(setting.name), .text(setting.current(self)), .text(setting.valuesText),
          .text(setting.summary),
        ]
      })
  }

  /// `set NAME [VALUE]`: shows the setting without a value, else applies the value.
  func applySetting(_ name: NameRef, value: NameRef?) throws {
    let key = name.key
    let names = Setting.all.map(\.name)
    guard let setting = Setting.named(key) else {
      let guess = suggestion(for: key, among: names)
      throw SessionError(
        message: "unknown setting '\(name.text)'" + (guess.map { " (did you mean '\($0)'?)" } ?? "")
          + "; settings: " + names.joined(separator: ", "), status: 3, range: name.range)
    }
    if key == "param" {
      try setting.apply(
        self, value?.text.trimmingCharacters(in: .whitespaces) ?? "", value?.range ?? name.range)
      return
    }
    guard let value, case let raw = value.text.trimmingCharacters(in: .whitespaces), !raw.isEmpty
    else {
      writeOut("\(key) = \(setting.current(self))    (\(setting.valuesText): \(setting.summary))\n")
      return
    }
    var applied = raw
    if case .choices = setting.values {
      guard let choice = setting.choice(raw) else {
        throw SessionError(
          message: "'\(raw)' is not a value of '\(key)'; expected \(setting.valuesText)", status: 3,
          range: value.range)
      }
      applied = choice
    }
    try setting.apply(self, applied, value.range)
    if options.interactive { writeErr("\(key) = \(setting.current(self))\n") }
  }
}
