import CQTestSupport
import Foundation
import Testing

/// Script parameters and `--echo` (SPEC §10): `cq run FILE --param NAME=VALUE`, `set param`,
/// `$NAME` substituted before parsing (quoted so a value stays one value), an unset one an
/// error naming it, `show params`; `--echo` writes each statement before its result.
@Suite struct ScriptParameterTests {
  @Test func paramsOfDashCStandForTheirValues() throws {
    let run = try cq([
      "--format", "csv", "--param", "from=2025-06-01", "--param", "n=2", "-c",
      "revenue by brand where date >= $from limit $n",
    ])
    let literal = try cq([
      "--format", "csv", "-c", "revenue by brand where date >= 2025-06-01 limit 2",
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == literal.stdout)
    #expect(lines(run.stdout).count == 3)
  }

  @Test func anUnsetParameterIsASyntaxErrorNamingIt() throws {
    let run = try cq(["-c", "revenue by brand where date >= $week"])
    #expect(run.status == 2)
    #expect(run.stdout.isEmpty)
    #expect(
      run.stderr.hasPrefix(
        "-c:1:32: error: parameter '$week' is not set; pass --param week=VALUE or 'set param week VALUE'\n"
      ),
      "\(run.stderr)")
    #expect(run.stderr.contains("1 | revenue by brand where date >= $week\n"), "\(run.stderr)")
  }

  @Test func aValueWithSpacesOrQuotesStaysOneValue() throws {
    let run = try cq([
      "--format", "csv", "--param", "p=Raw Whey Protein", "-c", "revenue where product = $p", "-c",
      "set param q 'say \"hi\" and; bye'", "-c", "show params",
    ])
    let literal = try cq(["--format", "csv", "-c", "revenue where product = \"Raw Whey Protein\""])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout
        == literal.stdout
        + "parameter,value,written as\n$p,Raw Whey Protein,\"\"\"Raw Whey Protein\"\"\"\n"
        + "$q,\"say \"\"hi\"\" and; bye\",\"\"\"say \\\"\"hi\\\"\" and; bye\"\"\"\n",
      "\(run.stdout)")
    // A value is never read as statement text: 'and', ';' and quotes inside it are one value.
    let oneValue = try cq([
      "-c", "set param q 'x\" or brand=Gritzo; quit'", "-c", "revenue where product = $q",
    ])
    #expect(oneValue.status == 3)
    #expect(
      oneValue.stderr.contains("no product 'x\" or brand=Gritzo; quit' in the data"),
      "\(oneValue.stderr)")
  }

  @Test func aScriptSetsParamsForTheLinesAfterAndLeavesQuotesAndCommentsAlone() throws {
    let folder = try ScratchFolder()
    try folder.write(
      """
      -- weekly report for $week (a comment: not substituted)
      set param n 3
      top $n campaign by revenue where date >= ${week} \\
        and brand = $brand
      revenue where campaign = "$not_a_param"
      """, to: "weekly.cq")
    let script = folder.file("weekly.cq").path
    let run = try cq([
      "run", script, "--format", "csv", "--param", "week=2025-06-02", "--param",
      "brand=MuscleBlaze",
    ])
    let literal = try cq([
      "--format", "csv", "-c",
      "top 3 campaign by revenue where date >= 2025-06-02 and brand = MuscleBlaze",
    ])
    #expect(literal.status == 0, "\(literal.stderr)")
    // The quoted "$not_a_param" stays text: the data has no such campaign (line 5), and no
    // parameter is reported missing.
    #expect(run.status == 3, "\(run.stderr)")
    #expect(
      run.stderr.contains("\(script):5:26: error: no campaign '$not_a_param' in the data"),
      "\(run.stderr)")
    #expect(!run.stderr.contains("parameter"), "\(run.stderr)")
    #expect(
      literal.stdout.hasPrefix("campaign,revenue\n")
        && literal.stdout.split(separator: "\n").count == 4, "\(literal.stdout)")
    #expect(run.stdout == literal.stdout, "\(run.stderr)")
    let unset = try cq(["run", script, "--param", "week=2025-06-02"])
    #expect(unset.status == 2)
    #expect(
      unset.stderr.hasPrefix("\(script):4:15: error: parameter '$brand' is not set"),
      "\(unset.stderr)")
  }

  @Test func setParamInTheShellAndShowParams() throws {
    let run = try cq(
      ["--format", "csv"],
      stdin:
        "set param brand MuscleBlaze\nset param week=2025-06-02\nset param brand\nshow params\nset param\nrevenue where brand=$brand\n"
    )
    #expect(run.status == 0, "\(run.stderr)")
    let revenue = try cq(["--format", "csv", "-c", "revenue where brand=MuscleBlaze"]).stdout
    #expect(
      run.stdout
        == "$brand = MuscleBlaze\nparameter,value,written as\n$brand,MuscleBlaze,MuscleBlaze\n$week,2025-06-02,2025-06-02\n"
        + "$brand = MuscleBlaze\n$week = 2025-06-02\n" + revenue, "\(run.stdout)")
    let settings = try cq(["--format", "csv", "--param", "week=2025-06-02", "-c", "show settings"])
    #expect(settings.stdout.contains("\nparam,week=2025-06-02,NAME VALUE,"), "\(settings.stdout)")
  }

  @Test func badParamsAreRefused() throws {
    let flag = try cq(["--param", "week", "-c", "revenue"])
    #expect(flag.status == 1)
    #expect(
      flag.stderr.contains(
        "'--param' takes NAME=VALUE (e.g. --param week=2025-06-02), found 'week'"), "\(flag.stderr)"
    )
    let name = try cq(["-c", "set param 9lives 1"])
    #expect(name.status == 3)
    #expect(name.stderr.contains("'9lives' is not a parameter name"), "\(name.stderr)")
    let shown = try cq(["-c", "set param week"])
    #expect(shown.status == 3)
    #expect(shown.stderr.contains("parameter '$week' is not set"), "\(shown.stderr)")
  }

  @Test func echoWritesEachStatementBeforeItsResult() throws {
    let run = try cq([
      "--echo", "--format", "markdown", "--param", "b=Gritzo", "-c",
      "revenue by brand where brand=$b", "-c",
      "set totals off",
    ])
    let result = try cq(["--format", "markdown", "-c", "revenue by brand where brand=Gritzo"])
      .stdout
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stdout == "-- revenue by brand where brand=Gritzo\n" + result + "-- set totals off\n",
      "\(run.stdout)")
    let folder = try ScratchFolder()
    try folder.write("-- a comment is not a statement\nrevenue;  orders\n", to: "s.cq")
    try folder.write("define metric profit = revenue - payout\n", to: ".cqrc")
    let script = try cq(
      ["--echo", "--format", "csv", "run", folder.file("s.cq").path],
      environment: ["HOME": folder.path, "CQRC": ""], rc: true)
    #expect(script.status == 0, "\(script.stderr)")
    let echoed = lines(script.stdout)
    #expect(
      echoed.filter { $0.hasPrefix("--") } == ["-- revenue", "-- orders"],
      "the rc file is not echoed:\n\(script.stdout)")
    #expect(echoed.first == "-- revenue")
    let quiet = try cq([
      "--format", "csv", "-c", "set echo on", "-c", "orders", "-c", "set echo off", "-c", "orders",
    ])
    #expect(
      lines(quiet.stdout).filter { $0.hasPrefix("--") } == ["-- orders", "-- set echo off"],
      "\(quiet.stdout)")
  }
}
