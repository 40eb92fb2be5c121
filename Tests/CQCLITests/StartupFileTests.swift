import CQTestSupport
import Foundation
import Testing

/// The startup file: `~/.cqrc` (or `$CQRC`) runs at start unless `--norc`.
///
/// `save` writes the session's definitions and changed settings to it without duplicating what
/// is there (SPEC §10, issue 14). HOME is a scratch folder in every test.
@Suite struct StartupFileTests {
  static let header =
    "-- cq startup file: run when cq starts (cq --norc skips it); 'save' adds to it\n"

  func run(_ arguments: [String], home: ScratchFolder, environment: [String: String] = [:]) throws
    -> CQRun
  {
    var env = ["HOME": home.path, "CQRC": ""]
    for (k, v) in environment { env[k] = v }
    return try cq(arguments, environment: env, in: home.url, rc: true)
  }

  @Test func saveAppendsDefinitionsAndChangedSettingsOnce() throws {
    let home = try ScratchFolder()
    let first = try run(
      [
        "-c", "define metric profit = revenue  -  payout", "-c",
        "define segment mb = brand=MuscleBlaze", "-c",
        "set grouping indian", "-c", "use brand=Gritzo", "-c", "set param week 2025-06-02", "-c",
        "save",
      ], home: home)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(
      first.stderr
        == "saved to ~/.cqrc: added 3 (define metric profit, define segment mb, set grouping indian)\n",
      "\(first.stderr)")
    #expect(
      try home.read(".cqrc")
        == Self.header
        + "define metric profit = revenue - payout\ndefine segment mb = brand=MuscleBlaze\nset grouping indian\n"
    )

    // The next session starts with them; saving again adds nothing.
    let second = try run(
      ["--format", "csv", "-c", "profit by brand where mb", "-c", "save"], home: home)
    let direct = try cq([
      "--format", "csv", "-c", "revenue - payout by brand where brand=MuscleBlaze",
    ])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(
      second.stdout.hasPrefix("brand,profit\nMuscleBlaze,"), "\(second.stdout) \(direct.stderr)")
    #expect(
      second.stderr == "nothing new to save: ~/.cqrc already has the session's 3 statements\n",
      "\(second.stderr)")
    #expect(try home.read(".cqrc").components(separatedBy: "define metric profit").count == 2)
  }

  @Test func aChangedDefinitionOrSettingIsReplacedWhereItStands() throws {
    let home = try ScratchFolder()
    try home.write(
      "# mine\ndefine metric profit = revenue - payout\nset grouping indian\nset timer on\n",
      to: ".cqrc")
    let run = try run(
      [
        "-c", "define metric profit = revenue - payout - 1", "-c", "set grouping western", "-c",
        "define metric cpo = payout / orders", "-c", "save",
      ], home: home)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr
        == "saved to ~/.cqrc: added 1 (define metric cpo); updated 2 (define metric profit, set grouping western); 1 already there\n",
      "\(run.stderr)")
    #expect(
      try home.read(".cqrc")
        == "# mine\ndefine metric profit = revenue - payout - 1\nset grouping western\nset timer on\ndefine metric cpo = payout / orders\n"
    )
  }

  @Test func cqrcNamesAnotherFileAndSaveTakesAFile() throws {
    let home = try ScratchFolder()
    let team = home.file("team.cqrc").path
    let saved = try run(
      ["-c", "define metric x2 = revenue * 2", "-c", "save", "-c", "save other.cqrc"], home: home,
      environment: ["CQRC": team])
    #expect(saved.status == 0, "\(saved.stderr)")
    #expect(
      saved.stderr
        == "saved to \(team): added 1 (define metric x2)\nsaved to other.cqrc: added 1 (define metric x2)\n"
    )
    #expect(!home.exists(".cqrc"))
    #expect(try home.read("team.cqrc") == Self.header + "define metric x2 = revenue * 2\n")
    let used = try run(["--format", "csv", "-c", "x2"], home: home, environment: ["CQRC": team])
    #expect(used.status == 0, "\(used.stderr)")
    let norc = try run(["--norc", "-c", "x2"], home: home, environment: ["CQRC": team])
    #expect(norc.status == 3, "--norc skips the startup file")
  }

  @Test func nothingToSaveAndAnErrorInTheFile() throws {
    let home = try ScratchFolder()
    let empty = try run(["-c", "save"], home: home)
    #expect(empty.status == 0)
    #expect(
      empty.stderr
        == "nothing to save: no 'define metric', 'define segment' or changed setting in this session\n"
    )
    #expect(!home.exists(".cqrc"))
    try home.write("define metric p = revenue - bogus\n", to: ".cqrc")
    let broken = try run(["--format", "csv", "-c", "orders"], home: home)
    #expect(broken.status == 0, "a broken startup file does not stop cq")
    #expect(
      broken.stderr.contains("warning: ~/.cqrc had errors (above); start with --norc to skip it"),
      "\(broken.stderr)")
    #expect(broken.stderr.contains(home.file(".cqrc").path + ":1:"), "\(broken.stderr)")
  }

  @Test func helpAndTheReadmeDescribeTheStartupFile() throws {
    let help = try cq(["-c", "help save"])
    #expect(
      help.stdout.contains("cq runs ~/.cqrc (or the file $CQRC names) when it starts"),
      "\(help.stdout)")
    #expect(try cq(["-c", "help cqrc"]).stdout == help.stdout)
    #expect(try cq(["-c", "help"]).stdout.contains("save [FILE]"))
  }
}
