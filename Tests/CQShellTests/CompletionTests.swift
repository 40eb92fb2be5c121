import CQEngine
import CQLanguage
import CQRendering
import Foundation
import Testing

@testable import CQShell

private let vocabulary = CompletionVocabulary(
  metrics: [
    "revenue", "roas", "orders", "aov", "payout", "engagement_rate", "engagements",
    "incremental_roas",
  ],
  dimensions: [
    "brand", "campaign", "category", "platform", "influencer", "product", "week", "month", "tier",
  ],
  tables: ["influencers", "posts", "tracking_data", "payouts"],
  segments: ["mb_insta"],
  settings: ["format", "width", "allocation", "totals"],
  // Names as written resolve as the binder resolves them (`brands`, `categories`, `date`).
  values: { name in
    switch CQEngine.Dimension.named(name)?.rawValue ?? "" {
    case "brand": ["MuscleBlaze", "HKVitals", "Gritzo", "Muscle Tech"]
    case "product": ["Whey Protein 1kg", "Whey Protein 2kg", "Creatine", "Say \"hi\""]
    case "category": ["Fitness", "Food"]
    case "influencer": ["प्रिया", "Priya Sharma", "Pranav"]
    case "campaign": ["Campaign_1", "Campaign_2", "and", "with", "Other"]
    default: []
    }
  })

/// Completes at the end of `line`, or at the `|` marker (removed) when there is one.
private func complete(_ line: String, in directory: String = "/nonexistent") -> CompletionResult {
  var text = line
  var cursor = line.utf8.count
  if let marker = line.firstIndex(of: "|") {
    cursor = line.utf8.distance(from: line.startIndex, to: marker)
    text.remove(at: marker)
  }
  return Completer.complete(
    line: text, cursor: cursor, vocabulary: vocabulary, currentDirectory: directory)
}

private func candidates(_ line: String) -> [String] { complete(line).candidates }

@Suite struct CompletionStatementStartTests {
  @Test func offersKeywordsAndMetricsAtTheStart() {
    let all = candidates("")
    for word in Completer.statementKeywords + vocabulary.metrics {
      #expect(all.contains(word), "missing \(word)")
    }
    #expect(!all.contains("brand"))
  }

  @Test(arguments: [
    ("sh", ["show"]), ("SC", ["schema"]), ("ro", ["roas"]), ("ru", ["run"]),
    ("re", ["refresh", "revenue"]),
    ("t", ["top", "tutorial"]),
    ("eng", ["engagement_rate", "engagements"]),
  ])
  func completesTheFirstWord(typed: String, expected: [String]) {
    #expect(complete(typed) == CompletionResult(replaceFrom: 0, candidates: expected))
  }

  @Test func startsAfreshAfterASemicolon() {
    #expect(
      complete("revenue by brand; sh") == CompletionResult(replaceFrom: 18, candidates: ["show"]))
  }

  @Test func nothingInsideAComment() {
    #expect(candidates("revenue by brand -- by ").isEmpty)
    #expect(candidates("# re").isEmpty)
  }
}

@Suite struct CompletionQueryTests {
  @Test func metricsAfterCommas() {
    #expect(complete("revenue, ro") == CompletionResult(replaceFrom: 9, candidates: ["roas"]))
    #expect(candidates("revenue,").contains("orders"))
  }

  @Test func clauseKeywordsAfterAMetric() {
    #expect(
      candidates("revenue ") == ["across", "by", "chart", "having", "limit", "order", "where"])
    #expect(complete("revenue b") == CompletionResult(replaceFrom: 8, candidates: ["by"]))
  }

  @Test func newStatementsAndClausesAreOffered() {
    #expect(candidates("us").contains("use"), "\(candidates("us"))")
    #expect(
      complete("revenue by brand acr") == CompletionResult(replaceFrom: 17, candidates: ["across"]))
  }

  @Test func dimensionsAfterBy() {
    #expect(candidates("revenue by ") == vocabulary.dimensions.sorted())
    #expect(
      complete("revenue by brand, ca")
        == CompletionResult(replaceFrom: 18, candidates: ["campaign", "category"]))
    #expect(
      candidates("revenue by brand ") == ["across", "chart", "having", "limit", "order", "where"])
  }

  @Test func completesInTheMiddleOfTheLine() {
    #expect(
      complete("revenue by br| where tier=micro")
        == CompletionResult(replaceFrom: 11, candidates: ["brand"]))
  }

  @Test func whereOffersDimensionsSegmentsAndDate() {
    let whereCandidates = candidates("revenue where ")
    for name in vocabulary.dimensions + ["mb_insta", "date", "not"] {
      #expect(whereCandidates.contains(name), "missing \(name)")
    }
    #expect(!whereCandidates.contains("revenue"))
    #expect(candidates("revenue where brand=MuscleBlaze and pl") == ["platform"])
    #expect(candidates("revenue where (brand=Gritzo or mb") == ["mb_insta"])
  }

  @Test func afterAComparisonComeConnectivesAndLaterClauses() {
    #expect(
      candidates("revenue by brand where brand=MuscleBlaze ")
        == ["and", "chart", "having", "limit", "or", "order"])
    #expect(candidates("revenue where brand ").contains("in"))
  }

  @Test func dimensionValuesAfterEquals() {
    #expect(
      complete("roas by campaign where brand=Mu")
        == CompletionResult(replaceFrom: 29, candidates: ["\"Muscle Tech\"", "MuscleBlaze"]))
    #expect(candidates("roas where brand=mus") == ["\"Muscle Tech\"", "MuscleBlaze"])
    #expect(candidates("roas where brand = HK") == ["HKVitals"])
    #expect(candidates("roas where brand!=G") == ["Gritzo"])
    #expect(candidates("roas where brand ~ g") == ["Gritzo"])
    #expect(
      candidates("roas where brand=") == ["Gritzo", "HKVitals", "\"Muscle Tech\"", "MuscleBlaze"])
  }

  @Test func pluralDimensionNamesMapToSingular() {
    #expect(candidates("roas where brands=Mus") == ["\"Muscle Tech\"", "MuscleBlaze"])
    #expect(candidates("roas where categories=F") == ["Fitness", "Food"])
    #expect(candidates("roas where Campaigns=C") == ["Campaign_1", "Campaign_2"])
    // One rule set: the binder's.
    #expect(CQEngine.Dimension.named("Campaigns") == .campaign)
    #expect(CQEngine.Dimension.named("statuses") == .status)
    #expect(CQEngine.Dimension.named("bases") == .basis)
    #expect(CQEngine.Dimension.named("date") == .day)
    #expect(CQEngine.Dimension.named("basis") == .basis)
  }

  @Test func valuesInsideInLists() {
    #expect(candidates("roas where brand in (Mu") == ["\"Muscle Tech\"", "MuscleBlaze"])
    #expect(
      complete("roas where brand in (MuscleBlaze, G")
        == CompletionResult(replaceFrom: 34, candidates: ["Gritzo"]))
    #expect(candidates("roas where brand not in (HK") == ["HKVitals"])
    #expect(candidates("roas where brand in (HKVitals) ").contains("and"))
    #expect(candidates("roas where brand between G").contains("Gritzo"))
    #expect(candidates("roas where brand between Gritzo ") == ["and"])
  }

  @Test func valuesWithSpacesComeBackQuoted() {
    let result = complete("revenue where product=Whey")
    #expect(result.replaceFrom == 22)
    #expect(result.candidates == ["\"Whey Protein 1kg\"", "\"Whey Protein 2kg\""])
    #expect(result.commonPrefix == "\"Whey Protein ")
    #expect(
      complete("revenue where product=\"Whey Protein 1")
        == CompletionResult(replaceFrom: 22, candidates: ["\"Whey Protein 1kg\""]))
    // A user-opened quote gets a quoted value even when bare would do.
    #expect(candidates("revenue where product=\"cr") == ["\"Creatine\""])
    #expect(candidates("revenue where product=Say") == ["\"Say \\\"hi\\\"\""])
    // A value spelled like a keyword must be quoted.
    #expect(candidates("revenue where campaign=a") == ["\"and\""])
    #expect(candidates("revenue where campaign=w") == ["\"with\""])
    #expect(candidates("revenue where campaign in (Campaign_1, w") == ["\"with\""])
    #expect(candidates("revenue where campaign=o") == ["Other"])
  }

  /// What completion offers must parse: each value completed into a statement reads back as
  /// that value.
  @Test(arguments: ["Campaign_1", "and", "with", "Other"])
  func completedValuesParse(value: String) throws {
    let line = "revenue where campaign=" + String(value.prefix(1))
    let completed = try #require(candidates(line).first { $0.contains(value) })
    let parsed = Parser.parse("revenue where campaign=\(completed) limit 5")
    #expect(parsed.diagnostics.isEmpty, "\(completed)")
    guard case .query(let query) = parsed.statements.first?.stmt,
      case .compare(_, .equal, let literal) = query.whereClause
    else {
      Issue.record("not a comparison: \(completed)")
      return
    }
    #expect(literal.text == value)
  }

  @Test func offsetsAreUTF8() {
    let line = "revenue where influencer=\"प्रिया\" and brand=Mu"
    let result = complete(line)
    #expect(result.replaceFrom == line.utf8.count - 2)
    #expect(result.candidates == ["\"Muscle Tech\"", "MuscleBlaze"])
    #expect(candidates("revenue where influencer=प्र") == ["प्रिया"])
    #expect(candidates("revenue where influencer=pr") == ["Pranav", "\"Priya Sharma\""])
  }

  @Test func havingTakesMetrics() {
    #expect(candidates("revenue by brand having ").contains("roas"))
    #expect(!candidates("revenue by brand having ").contains("brand"))
    #expect(candidates("revenue by brand having ro") == ["roas"])
    #expect(
      candidates("revenue by brand having roas > 2 ") == ["and", "chart", "limit", "or", "order"])
  }

  @Test func orderByOffersTheQueryColumns() {
    #expect(candidates("revenue by brand order ") == ["by"])
    #expect(candidates("revenue, roas by brand order by ") == ["brand", "revenue", "roas"])
    #expect(candidates("revenue by brand order by revenue ") == ["asc", "chart", "desc", "limit"])
    #expect(candidates("revenue by brand order by revenue desc ") == ["chart", "limit"])
    // `with other` needs a limit (or top) before it.
    #expect(candidates("revenue by brand limit 5 ") == ["chart", "with"])
    #expect(candidates("revenue by brand limit 5 with ") == ["other"])
    #expect(candidates("revenue by brand limit 5 with other ") == ["chart"])
  }

  @Test func withOtherAfterTop() {
    let afterTop = candidates("top 5 brand by revenue ")
    #expect(afterTop.contains("with"), "\(afterTop)")
    #expect(!afterTop.contains("limit"), "limit with top is an error: \(afterTop)")
    #expect(candidates("top 5 brand by revenue w") == ["where", "with"])
  }

  @Test func chartKinds() {
    #expect(candidates("revenue by week chart ") == ["bar", "hist", "line", "scatter", "spark"])
    #expect(candidates("revenue by week chart l") == ["line"])
    #expect(candidates("revenue by week chart line ").isEmpty)
  }

  @Test func topAndBottom() {
    #expect(candidates("top ").isEmpty)
    let afterCount = candidates("top 10 ")
    #expect(afterCount.contains("influencer") && afterCount.contains("revenue"))
    #expect(candidates("top 10 influencer by re") == ["revenue"])
    #expect(candidates("bottom 5 influencer by roas where platform=") == [])
    #expect(candidates("top 10 influencer by revenue where brand=Gr") == ["Gritzo"])
  }

  @Test func explainTakesAQuery() {
    #expect(candidates("explain ").contains("top"))
    #expect(candidates("explain ").contains("roas"))
    #expect(candidates("explain s").contains("sql"))
    #expect(candidates("explain p").contains("plan"))
    #expect(candidates("explain plan roas by b") == ["brand"])
    #expect(candidates("explain sql roas by b") == ["brand"])
    #expect(candidates("explain roas by b") == ["brand"])
    #expect(candidates("explain top 3 brand by roas where brand=H") == ["HKVitals"])
  }
}

@Suite struct CompletionStatementTests {
  @Test func sampleTakesTables() {
    #expect(candidates("sample ") == ["influencers", "payouts", "posts", "tracking_data"])
    #expect(
      complete("sample tr") == CompletionResult(replaceFrom: 7, candidates: ["tracking_data"]))
    #expect(candidates("sample posts ") == ["where"])
    #expect(candidates("sample posts 5 where influencer=Pr") == ["Pranav", "\"Priya Sharma\""])
  }

  @Test func describeTakesTablesMetricsAndDimensions() {
    let all = candidates("describe ")
    for name in vocabulary.tables + vocabulary.metrics + vocabulary.dimensions {
      #expect(all.contains(name), "missing \(name)")
    }
    #expect(candidates("describe p") == ["payout", "payouts", "platform", "posts", "product"])
  }

  @Test func showTargets() {
    #expect(
      candidates("show ") == ["dimensions", "metrics", "params", "segments", "settings", "tables"])
    #expect(candidates("show se") == ["segments", "settings"])
    #expect(candidates("show tables ").isEmpty)
  }

  @Test func settingsAndTheirValues() {
    #expect(candidates("set ") == ["allocation", "format", "totals", "width"])
    #expect(candidates("set fo") == ["format"])
    #expect(candidates("set format ") == OutputFormat.allCases.map(\.rawValue).sorted())
    #expect(candidates("set allocation r") == ["revenue"])
    #expect(candidates("set totals o") == ["off", "on"])
    // The declared values, synonyms (on, off) accepted but not offered.
    #expect(candidates("set color ") == ["always", "auto", "never"])
  }

  @Test func useTakesACondition() {
    let use = candidates("use ")
    for name in ["brand", "date", "mb_insta", "none", "not"] {
      #expect(use.contains(name), "\(use)")
    }
    #expect(!use.contains("revenue"))
    #expect(candidates("use brand=G") == ["Gritzo"])
  }

  @Test func helpTopics() {
    #expect(candidates("help ") == Help.topics.sorted())
    #expect(candidates("help al") == ["allocation"])
    #expect(candidates("help allocation ").isEmpty)
  }

  @Test func define() {
    #expect(candidates("define ") == ["metric", "segment"])
    #expect(candidates("define metric profit ").isEmpty)
    #expect(candidates("define metric profit = revenue - pa") == ["payout"])
    #expect(candidates("define metric profit = revenue ").isEmpty)
    #expect(candidates("define segment mb = brand=Mu") == ["\"Muscle Tech\"", "MuscleBlaze"])
    #expect(candidates("define segment mb = brand=MuscleBlaze and pl") == ["platform"])
  }

  @Test func last() {
    #expect(candidates("last ") == ["chart"])
    #expect(candidates("last chart s") == ["scatter", "spark"])
  }
}

@Suite struct CompletionFileTests {
  private func fixture() throws -> TestDirectory {
    let dir = try TestDirectory()
    try dir.makeFolder("data")
    try dir.makeFolder("my data")
    try dir.write("data/influencers.csv", "id\n")
    try dir.write("weekly.cq", "revenue by week\n")
    try dir.write("notes.txt", "")
    try dir.write("my file.cq", "")
    try dir.write(".hidden.cq", "")
    return dir
  }

  private func files(_ line: String, _ dir: TestDirectory) -> CompletionResult {
    complete(line, in: dir.path)
  }

  @Test func runCompletesFilesAndFolders() throws {
    let dir = try fixture()
    #expect(
      files("run ", dir)
        == CompletionResult(
          replaceFrom: 4,
          candidates: ["data/", "\"my data/", "\"my file.cq\"", "notes.txt", "weekly.cq"]))
    #expect(files("run we", dir) == CompletionResult(replaceFrom: 4, candidates: ["weekly.cq"]))
    #expect(
      files("run data/", dir)
        == CompletionResult(replaceFrom: 4, candidates: ["data/influencers.csv"]))
    #expect(files("run .h", dir).candidates == [".hidden.cq"])
    #expect(
      files("run \"my f", dir) == CompletionResult(replaceFrom: 4, candidates: ["\"my file.cq\""]))
  }

  @Test func loadCompletesFoldersOnly() throws {
    let dir = try fixture()
    #expect(files("load ", dir).candidates == ["data/", "\"my data/"])
    #expect(files("load d", dir).candidates == ["data/"])
    #expect(files("load \(dir.path)/d", dir).candidates == ["\(dir.path)/data/"])
  }

  @Test func redirectsCompleteFileNames() throws {
    let dir = try fixture()
    #expect(
      files("revenue by brand > no", dir)
        == CompletionResult(replaceFrom: 19, candidates: ["notes.txt"]))
    #expect(
      files("revenue by brand >> w", dir)
        == CompletionResult(replaceFrom: 20, candidates: ["weekly.cq"]))
    #expect(
      files("revenue by brand >w", dir)
        == CompletionResult(replaceFrom: 18, candidates: ["weekly.cq"]))
    #expect(files("last > n", dir).candidates == ["notes.txt"])
    #expect(files("sample posts 5 > n", dir).candidates == ["notes.txt"])
  }

  @Test func greaterThanInAConditionIsAComparison() throws {
    let dir = try fixture()
    #expect(files("revenue where brand > G", dir).candidates == ["Gritzo"])
    #expect(files("revenue by brand having roas > n", dir).candidates.isEmpty)
  }

  @Test func tildeMeansHome() throws {
    let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
    #expect(Files.resolve("~/", currentDirectory: "/tmp") == home + "/")
    #expect(Files.resolve("~/data/", currentDirectory: "/tmp") == home + "/data/")
    #expect(Files.resolve("data/", currentDirectory: "/tmp") == "/tmp/data/")
    #expect(Files.resolve("/abs/", currentDirectory: "/tmp") == "/abs/")
    #expect(complete("run ~").candidates == ["~/"])
    // Whatever is in the home folder comes back with the `~/` kept as typed.
    let listed = complete("run ~/").candidates
    #expect(listed.allSatisfy { $0.hasPrefix("~/") || $0.hasPrefix("\"~/") })
  }
}

@Suite struct CompletionLayoutTests {
  @Test func fillsColumnsDownThenAcross() {
    let words = ["bar", "hist", "line", "scatter", "spark"]
    // Widest is 7, so columns are 9 wide; 20 columns fit two.
    #expect(
      CompletionLayout.columns(words, width: 20) == "bar      scatter\nhist     spark\nline\n")
    #expect(
      CompletionLayout.columns(words, width: 80) == "bar      hist     line     scatter  spark\n")
    #expect(CompletionLayout.columns(words, width: 3) == words.map { $0 + "\n" }.joined())
    #expect(CompletionLayout.columns([], width: 80) == "")
  }

  @Test func cutsLongListsAndSaysHowManyMore() {
    let words = (1...10).map { "user_\($0)" }
    let text = CompletionLayout.columns(words, width: 200, limit: 4)
    #expect(text == "user_1  user_2  user_3  user_4\n… and 6 more: type more letters\n")
  }
}
