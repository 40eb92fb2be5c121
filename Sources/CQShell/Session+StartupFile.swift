import CQLanguage
import Foundation

/// The startup file, `~/.cqrc` (or `$CQRC`): statements run when cq starts, after the data is
/// loaded and before the first statement (not with `--norc`).
///
/// ```
/// -- ~/.cqrc
/// define metric profit = revenue - payout
/// define segment mb_insta = brand=MuscleBlaze and platform=Instagram
/// set grouping indian
/// ```
extension Session {
  /// The startup file: `$CQRC` when set and not empty, else `~/.cqrc`; nil without a home.
  public static func startupFilePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    if let rc = environment["CQRC"], !rc.isEmpty { return rc }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return home + "/.cqrc"
  }

  /// How the startup file is named in messages: `~/.cqrc`, or `$CQRC`'s path.
  static func startupFileName(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
    if let rc = environment["CQRC"], !rc.isEmpty { return rc }
    return "~/.cqrc"
  }

  /// Runs the startup file if there is one; its errors are reported (as `FILE:LINE:COL`) with
  /// a hint to start with `--norc`, and cq goes on. Its statements are not echoed (`--echo`).
  public func runStartupFile() {
    guard let rc = Session.startupFilePath(), let text = try? String(contentsOfFile: rc, encoding: .utf8) else { return }
    let echo = settings.echo
    settings.echo = false
    defer { settings.echo = echo || settings.echo }
    if execute(text, fileName: rc) != 0 {
      writeErr("warning: \(Session.startupFileName()) had errors (above); start with --norc to skip it\n")
    }
  }
}
