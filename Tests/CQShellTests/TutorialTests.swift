import Testing

@testable import CQShell

/// A scripted host: feeds lines, records output, and "runs" statements by reading their
/// columns off the text the way the binder would name them.
final class FakeTutorialHost: TutorialHost {
  private var script: [String?]
  private(set) var prompts: [String] = []
  private(set) var output = ""
  private(set) var ran: [String] = []

  init(_ script: [String?]) { self.script = script }

  var unread: Int { script.count }

  func readLine(prompt: String) -> String? {
    prompts.append(prompt)
    guard !script.isEmpty else { return nil }
    return script.removeFirst()
  }

  func write(_ text: String) { output += text }

  func run(_ statement: String) -> [String]? {
    ran.append(statement)
    return Self.columns(of: statement)
  }

  /// `schema` → table, columns, rows; `explain …` → step, detail; a query's dimensions then
  /// metrics (`top N A by B` → A, B); anything unparseable → nil (an "error").
  static func columns(of statement: String) -> [String]? {
    var words = statement.lowercased().split(separator: " ").map(String.init)
    guard let first = words.first else { return nil }
    switch first {
    case "schema": return ["table", "columns", "rows"]
    case "explain": return words.count > 1 ? ["step", "detail"] : nil
    default: break
    }
    if let chart = words.firstIndex(of: "chart") { words = Array(words[..<chart]) }
    if let clause = words.firstIndex(where: { ["where", "having", "order", "limit"].contains($0) })
    {
      words = Array(words[..<clause])
    }
    let known = [
      "revenue", "roas", "campaign", "influencer", "platform", "engagement_rate",
      "incremental_roas", "week", "brand",
    ]
    if first == "top" || first == "bottom" {
      guard words.count >= 5, Int(words[1]) != nil, words[3] == "by",
        known.contains(words[2]), known.contains(words[4])
      else { return nil }
      return [words[2], words[4]]
    }
    guard let by = words.firstIndex(of: "by") else {
      return words.allSatisfy(known.contains) ? words : nil
    }
    let metrics = Array(words[..<by])
    let dimensions = Array(words[(by + 1)...])
    guard !metrics.isEmpty, (metrics + dimensions).allSatisfy(known.contains) else { return nil }
    return dimensions + metrics
  }
}

@Suite struct TutorialTests {
  @Test func correctAnswersWalkThroughEveryStep() {
    let host = FakeTutorialHost([""] + Tutorial.steps.map(\.answer))
    Tutorial.run(host: host)
    #expect(host.ran == Tutorial.steps.map(\.answer))
    #expect(host.output.components(separatedBy: "✓ ").count - 1 == Tutorial.steps.count)
    for (index, step) in Tutorial.steps.enumerated() {
      #expect(host.output.contains("Step \(index + 1) of \(Tutorial.steps.count): \(step.title)"))
    }
    #expect(host.output.hasSuffix(Tutorial.conclusion))
    #expect(!host.output.contains("Hint:"))
  }

  @Test func theIntroductionExplainsTheTablesAndHowTheyJoin() {
    let host = FakeTutorialHost([nil])
    Tutorial.run(host: host)
    for name in ["influencers", "posts", "tracking_data", "payouts", "influencers.id", "campaign"] {
      #expect(host.output.contains(name), "introduction lacks \(name)")
    }
  }

  @Test func theStepsCoverTheBrief() {
    let answers = Tutorial.steps.map(\.answer)
    for expected in [
      "schema", "revenue by campaign", "roas by campaign where brand=MuscleBlaze",
      "top 5 influencer by revenue", "engagement_rate by platform",
      "incremental_roas by campaign",
    ] {
      #expect(answers.contains(expected), "no step for \(expected)")
    }
    #expect(answers.contains { $0.hasPrefix("explain ") })
    #expect(answers.contains { $0.contains(" chart ") })
    // Every step's own answer satisfies its own check.
    for step in Tutorial.steps {
      #expect(
        Tutorial.check(
          step.answer, columns: FakeTutorialHost.columns(of: step.answer), against: step) == nil)
    }
  }

  @Test func aWrongAnswerSaysWhatDiffersAndHints() {
    // Step 1 right; step 2 answered with the wrong dimension, then right.
    let host = FakeTutorialHost(["", "schema", "revenue by brand", "revenue by campaign", "quit"])
    Tutorial.run(host: host)
    #expect(host.output.contains("the result has columns brand, revenue"))
    #expect(host.output.contains("missing: campaign"))
    #expect(host.output.contains("Hint: type  revenue by campaign"))
    #expect(host.output.contains("Step 3 of"))
    #expect(host.ran == ["schema", "revenue by brand", "revenue by campaign"])
  }

  @Test func anErrorIsNotAnAnswer() {
    let host = FakeTutorialHost(["", "schemaa", "schema", "quit"])
    Tutorial.run(host: host)
    #expect(host.output.contains("did not run"))
    #expect(host.output.contains("Step 2 of"))
  }

  @Test func aStepAboutAStatementNeedsThatStatement() throws {
    let explain = try #require(Tutorial.steps.first { $0.keyword == "explain" })
    let problem = Tutorial.check("roas by brand", columns: ["brand", "roas"], against: explain)
    #expect(problem?.contains("'explain'") == true)
    let chart = try #require(Tutorial.steps.first { $0.needsChart })
    let noChart = Tutorial.check("revenue by week", columns: ["week", "revenue"], against: chart)
    #expect(noChart?.contains("chart") == true)
  }

  /// The ROAS step is about one brand: the same columns without the filter, or for another
  /// brand, are not its answer.
  @Test func theBrandStepNeedsTheBrandFilter() throws {
    let step = try #require(Tutorial.steps.first { $0.answer.contains("brand=MuscleBlaze") })
    let columns = ["campaign", "roas"]
    let unfiltered = Tutorial.check("roas by campaign", columns: columns, against: step)
    #expect(
      unfiltered?.contains("add where brand=MuscleBlaze") == true, "\(unfiltered ?? "accepted")")
    let other = Tutorial.check(
      "roas by campaign where brand=HKVitals", columns: columns, against: step)
    #expect(other?.contains("MuscleBlaze only") == true, "\(other ?? "accepted")")
    for answer in [
      "roas by campaign where brand=MuscleBlaze", "ROAS by campaigns where brand = \"muscleblaze\"",
      "roas by campaign where brand in (MuscleBlaze) order by roas desc",
    ] {
      #expect(Tutorial.check(answer, columns: columns, against: step) == nil, "\(answer)")
    }
  }

  /// The top-N step wants five rows: the whole ranking, or the worst five, is not its answer.
  @Test func theTopStepNeedsTopFive() throws {
    let step = try #require(Tutorial.steps.first { $0.answer.hasPrefix("top 5") })
    let columns = ["influencer", "revenue"]
    for wrong in [
      "revenue by influencer", "bottom 5 influencer by revenue", "top 3 influencer by revenue",
    ] {
      let problem = Tutorial.check(wrong, columns: columns, against: step)
      #expect(problem?.contains("best 5") == true, "\(wrong): \(problem ?? "accepted")")
    }
    for answer in [
      "top 5 influencer by revenue", "revenue by influencer order by revenue desc limit 5",
    ] {
      #expect(Tutorial.check(answer, columns: columns, against: step) == nil, "\(answer)")
    }
  }

  @Test func quitLeavesAtOnce() {
    let host = FakeTutorialHost(["", "schema", "quit", "revenue by campaign", "roas by campaign"])
    Tutorial.run(host: host)
    #expect(host.ran == ["schema"])
    #expect(host.unread == 2)
    #expect(host.output.hasSuffix(Tutorial.farewell))
    #expect(!host.output.contains("Step 3 of"))
  }

  @Test func endOfInputLeaves() {
    let host = FakeTutorialHost(["", "schema"])
    Tutorial.run(host: host)
    #expect(host.ran == ["schema"])
    #expect(host.output.hasSuffix(Tutorial.farewell))
    #expect(host.prompts.count == 3)
  }

  @Test func quitAtTheStartLeaves() {
    let host = FakeTutorialHost(["quit", "schema"])
    Tutorial.run(host: host)
    #expect(host.ran.isEmpty)
    #expect(host.unread == 1)
  }

  @Test func skipSkipsAndHintHints() {
    let host = FakeTutorialHost(
      [""] + ["hint"] + Array(repeating: "skip", count: Tutorial.steps.count))
    Tutorial.run(host: host)
    #expect(host.ran.isEmpty)
    #expect(host.output.contains("Hint: type exactly  \(Tutorial.steps[0].answer)"))
    #expect(host.output.components(separatedBy: "Skipped.").count - 1 == Tutorial.steps.count)
    #expect(host.output.hasSuffix(Tutorial.conclusion))
  }

  @Test func anEmptyLineRepeatsTheTask() {
    let host = FakeTutorialHost(["", "", "quit"])
    Tutorial.run(host: host)
    #expect(host.output.contains("Type: \(Tutorial.steps[0].answer)   (or skip, hint, quit)"))
    #expect(host.ran.isEmpty)
  }
}
