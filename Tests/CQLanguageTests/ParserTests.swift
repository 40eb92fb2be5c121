import CQLanguage
import Testing

@Suite("Parser: queries")
struct QueryParserTests {
  @Test(arguments: [
    (
      "roas by campaign where brand=MuscleBlaze",
      "query [roas] by [campaign] where brand = MuscleBlaze"
    ),
    (
      "revenue, orders by brand, month where date between 2025-05-01 and 2025-05-31 and platform = Instagram having roas > 2 order by revenue desc, brand limit 10 chart bar > out.csv",
      "query [revenue, orders] by [brand, month] where ([date between date:2025-05-01 and date:2025-05-31] and platform = Instagram) having roas > #2 order [revenue desc, brand] limit 10 chart bar > \"out.csv\""
    ),
    (
      "ROAS BY Campaigns WHERE Brand=MuscleBlaze ORDER BY roas DESC LIMIT 3",
      "query [ROAS] by [Campaigns] where Brand = MuscleBlaze order [roas desc] limit 3"
    ),
    ("roas by month order by month asc", "query [roas] by [month] order [month asc]"),
    (
      "roas where brand=MuscleBlaze by campaign",
      "query [roas] by [campaign] where brand = MuscleBlaze"
    ),
    ("revenue by campaign limit 5 with other", "query [revenue] by [campaign] limit 5 with other"),
    ("revenue by month chart line", "query [revenue] by [month] chart line"),
    (
      "followers, revenue by influencer chart scatter >> results.csv",
      "query [followers, revenue] by [influencer] chart scatter >> \"results.csv\""
    ),
    ("roas", "query [roas]"),
  ])
  func query(input: String, expected: String) {
    #expect(dump(input) == expected)
  }

  @Test(arguments: [
    (
      "top 10 influencer by roas where platform=Instagram",
      "query top 10 [influencer] by [roas] where platform = Instagram"
    ),
    ("top 10 roas by influencer", "query top 10 [roas] by [influencer]"),
    ("bottom 5 campaign by roi with other", "query bottom 5 [campaign] by [roi] with other"),
    ("top 3 influencers", "query top 3 [influencers]"),
    (
      "TOP 2 brand, platform by revenue chart bar",
      "query top 2 [brand, platform] by [revenue] chart bar"
    ),
  ])
  func top(input: String, expected: String) {
    #expect(dump(input) == expected)
  }

  @Test func topClauseFields() throws {
    let (statements, _) = Parser.parse("bottom 7 influencer by roas with other")
    guard case .query(let query) = try #require(statements.first).stmt else {
      Issue.record("not a query")
      return
    }
    let top = try #require(query.top)
    #expect(top.count == 7 && top.bottom && top.withOther)
    #expect(query.withOther)
    #expect(query.metrics.map(\.text) == ["influencer"])
    #expect(query.dimensions.map(\.text) == ["roas"])
    #expect(query.limit == nil)
  }

  @Test(arguments: [
    // not > and > or
    (
      "roas where a=1 or b=2 and not c=3",
      "query [roas] where (a = #1 or (b = #2 and (not c = #3)))"
    ),
    ("roas where not a=1 and b=2", "query [roas] where ((not a = #1) and b = #2)"),
    ("roas where (a=1 or b=2) and c=3", "query [roas] where ((a = #1 or b = #2) and c = #3)"),
    ("roas where not (a=1 or b=2)", "query [roas] where (not (a = #1 or b = #2))"),
    // the 'and' inside between belongs to between
    (
      "roas where date between 2025-05-01 and 2025-05-31 and brand=HKVitals or brand=Gritzo",
      "query [roas] where (([date between date:2025-05-01 and date:2025-05-31] and brand = HKVitals) or brand = Gritzo)"
    ),
    (
      "roas where reach not between 10 and 20",
      "query [roas] where (not [reach between #10 and #20])"
    ),
    (
      "roas by brand where platform in (Instagram, YouTube) and brand not in (\"HK Vitals\", 'Gritzo')",
      "query [roas] by [brand] where (platform in [Instagram, YouTube] and brand not in [\"HK Vitals\", \"Gritzo\"])"
    ),
    (
      "revenue by influencer where name ~ sharma",
      "query [revenue] by [influencer] where name ~ sharma"
    ),
    (
      "roas where a != x and b <= 2 and c >= 3 and d < -2 and e > 3.5 and f <> y and g == z",
      "query [roas] where ((((((a != x and b <= #2) and c >= #3) and d < #-2) and e > #3.5) and f != y) and g = z)"
    ),
    (
      "roas by campaign where mb_insta and not budget_brands",
      "query [roas] by [campaign] where (segment(mb_insta) and (not segment(budget_brands)))"
    ),
    ("roas where mb_insta by campaign", "query [roas] by [campaign] where segment(mb_insta)"),
  ])
  func conditions(input: String, expected: String) {
    #expect(dump(input) == expected)
  }

  @Test(arguments: [
    (
      "revenue where date >= 2025-06-01 and month = 2025-06 and followers > 10k and x = 2025",
      "query [revenue] where (((date >= date:2025-06-01 and month = month:2025-06) and followers > #10k) and x = #2025)"
    ),
    (
      "orders by source where source = t.co or source = instagram.com or user = user_12",
      "query [orders] by [source] where ((source = t.co or source = instagram.com) or user = user_12)"
    ),
    (
      "revenue where product = \"Whey Protein 1kg\" or product = 'Women''s Multi' or product = \"say \\\"hi\\\"\"",
      "query [revenue] where ((product = \"Whey Protein 1kg\" or product = \"Women's Multi\") or product = \"say \\\"hi\\\"\")"
    ),
    (
      "revenue where brand = मसलब्लेज़ and influencer = Zoë and name = O'Brien",
      "query [revenue] where ((brand = मसलब्लेज़ and influencer = Zoë) and name = O'Brien)"
    ),
    (
      "revenue where campaign = Campaign_3 and quarter = 2025-Q2 and product = \"#1 Whey\"",
      "query [revenue] where ((campaign = Campaign_3 and quarter = 2025-Q2) and product = \"#1 Whey\")"
    ),
    ("revenue where status = desc", "query [revenue] where status = desc"),
  ])
  func values(input: String, expected: String) {
    #expect(dump(input) == expected)
  }

  @Test func valueKinds() throws {
    let (statements, _) = Parser.parse(
      "roas where a = x and b = \"q\" and c = 4.5 and d = 2025-06-01 and e = 2025-06 and f = 2025-06-01x"
    )
    guard case .query(let query) = try #require(statements.first).stmt else {
      Issue.record("not a query")
      return
    }
    var kinds: [ValueLiteral.Kind] = []
    func collect(_ c: ConditionExpr?) {
      switch c {
      case .and(let l, let r):
        collect(l)
        collect(r)
      case .compare(_, _, let v): kinds.append(v.kind)
      default: break
      }
    }
    collect(query.whereClause)
    #expect(kinds == [.word, .quoted, .number, .date, .month, .word])
  }

  @Test(arguments: [
    (
      "revenue by brand where reach > 1000 > out.csv",
      "query [revenue] by [brand] where reach > #1000 > \"out.csv\""
    ),
    ("revenue by brand > out.csv", "query [revenue] by [brand] > \"out.csv\""),
    (
      "revenue by brand where brand=MuscleBlaze > out.csv",
      "query [revenue] by [brand] where brand = MuscleBlaze > \"out.csv\""
    ),
    (
      "revenue by brand >> ~/reports/out.csv", "query [revenue] by [brand] >> \"~/reports/out.csv\""
    ),
    ("revenue by brand > \"my file.csv\"", "query [revenue] by [brand] > \"my file.csv\""),
    ("revenue by brand > /tmp/x-1.json", "query [revenue] by [brand] > \"/tmp/x-1.json\""),
    ("revenue by brand>../out.md", "query [revenue] by [brand] > \"../out.md\""),
  ])
  func redirects(input: String, expected: String) {
    #expect(dump(input) == expected)
  }

  @Test func queryRanges() throws {
    let source = "explain  top 5 campaign by roas"
    let (statements, _) = Parser.parse(source)
    let node = try #require(statements.first)
    #expect(node.range.lowerBound.column == 1)
    #expect(node.range.upperBound.column == 32)
    guard case .explain(let query) = node.stmt else {
      Issue.record("not explain")
      return
    }
    #expect(query.range.lowerBound.column == 10)
    #expect(query.range.upperBound.column == 32)
    #expect(query.top?.range.lowerBound.column == 10)
    #expect(query.top?.range.upperBound.column == 15)
    #expect(query.dimensions.first?.range.lowerBound.column == 28)
  }
}

@Suite("Parser: other statements")
struct StatementParserTests {
  @Test(arguments: [
    ("explain roas by brand", "explain query [roas] by [brand]"),
    ("explain top 5 influencer by revenue", "explain query top 5 [influencer] by [revenue]"),
    ("describe roas", "describe roas"),
    ("DESCRIBE tracking_data", "describe tracking_data"),
    ("show metrics", "show metrics"),
    ("show metric", "show metrics"),
    ("show Dimensions", "show dimensions"),
    ("show table", "show tables"),
    ("show segments", "show segments"),
    ("show setting", "show settings"),
    ("show params", "show params"),
    ("SHOW parameters", "show params"),
    ("save", "save"),
    ("save ~/team.cqrc", "save path=\"~/team.cqrc\""),
    ("set param week 2025-06-02", "set param value=\"week 2025-06-02\""),
    ("schema", "schema"),
    ("sample posts", "sample posts"),
    ("sample posts 5 > s.csv", "sample posts 5 > \"s.csv\""),
    (
      "define metric profit = revenue - payout",
      "define metric profit = (revenue - payout) text=\"revenue - payout\""
    ),
    (
      "define metric margin = (revenue - payout) / revenue * 100",
      "define metric margin = (((revenue - payout) / revenue) * #100) text=\"(revenue - payout) / revenue * 100\""
    ),
    (
      "define metric x = -revenue + 2 * payout - 1.5k",
      "define metric x = (((-revenue) + (#2 * payout)) - #1500) text=\"-revenue + 2 * payout - 1.5k\""
    ),
    (
      "define metric y = revenue-payout/orders",
      "define metric y = (revenue - (payout / orders)) text=\"revenue-payout/orders\""
    ),
    (
      "define segment mb_insta = brand=MuscleBlaze and platform=Instagram",
      "define segment mb_insta = (brand = MuscleBlaze and platform = Instagram) text=\"brand=MuscleBlaze and platform=Instagram\""
    ),
    ("set format csv", "set format value=\"csv\""),
    ("set tiers 5k 20k  100k", "set tiers value=\"5k 20k 100k\""),
    ("set tiers 10k,50k", "set tiers value=\"10k,50k\""),
    ("set currency \"₹ INR\"", "set currency value=\"₹ INR\""),
    ("set width", "set width value=nil"),
    ("set", "show settings"),
    ("last", "last"),
    ("last chart line", "last chart line"),
    ("last > out.json", "last > \"out.json\""),
    ("last chart bar >> x.csv", "last chart bar >> \"x.csv\""),
    ("load data/", "load path=\"data/\""),
    ("load \"My Data\"", "load path=\"My Data\""),
    ("load ~/cq-data", "load path=\"~/cq-data\""),
    ("run examples/a.cq", "run path=\"examples/a.cq\""),
    ("help", "help"),
    ("help order by", "help topic=\"order by\""),
    ("tutorial", "tutorial"),
    ("quit", "quit"),
    ("EXIT", "quit"),
  ])
  func statement(input: String, expected: String) {
    #expect(dump(input) == expected)
  }

  @Test func defineMetricNumbers() throws {
    let (statements, _) = Parser.parse("define metric k = revenue * 0.25")
    guard case .defineMetric(let name, let expr, _) = try #require(statements.first).stmt else {
      Issue.record("not define metric")
      return
    }
    #expect(name.text == "k")
    guard case .binary(.metric(let left), .multiply, .number(let value, let range)) = expr else {
      Issue.record("unexpected shape \(expr)")
      return
    }
    #expect(left.text == "revenue")
    #expect(value == 0.25)
    #expect(range.lowerBound.column == 29 && range.upperBound.column == 33)
  }
}

@Suite("Parser: scripts")
struct ScriptParserTests {
  @Test func semicolonsAndNewlines() {
    #expect(
      dumps("show metrics; show tables\n\nroas by brand;;\n  schema  ")
        == ["show metrics", "show tables", "query [roas] by [brand]", "schema"])
  }

  @Test func comments() {
    let script = """
      -- a report
      roas by brand -- the best brands
      # a full-line comment
      revenue where product = "#1 Whey" # trailing
      orders where source = 'a--b'
      """
    #expect(
      dumps(script) == [
        "query [roas] by [brand]", "query [revenue] where product = \"#1 Whey\"",
        "query [orders] where source = \"a--b\"",
      ])
  }

  @Test func continuation() {
    let script = "roas by brand \\\n  where brand=X \\   -- why\n  limit 3\nshow metrics"
    #expect(
      dumps(script) == ["query [roas] by [brand] where brand = X limit 3", "show metrics"])
  }

  @Test func parenthesisContinuesLines() {
    let script = "roas where brand in (MuscleBlaze,\n  HKVitals)\nrevenue"
    let (statements, diagnostics) = Parser.parse(script)
    #expect(diagnostics.isEmpty)
    #expect(
      statements.map(\.stmt.syntaxDump) == [
        "query [roas] where brand in [MuscleBlaze, HKVitals]", "query [revenue]",
      ])
    #expect(statements.first?.range.upperBound.line == 2)
    #expect(statements.last?.range.lowerBound.line == 3)
  }

  @Test func crlfLineEnds() {
    #expect(
      dumps("show metrics\r\nroas by brand\r\n") == ["show metrics", "query [roas] by [brand]"])
  }

  @Test func statementsWithErrorsAreLeftOut() {
    let parsed = Parser.parseStatements("show metrics\nroas by\nschema")
    #expect(parsed.count == 3)
    #expect(parsed.map { $0.node != nil } == [true, false, true])
    #expect(parsed.map(\.diagnostics.count) == [0, 1, 0])
    let (statements, diagnostics) = Parser.parse("show metrics\nroas by\nschema")
    #expect(statements.count == 2)
    #expect(diagnostics.count == 1)
    #expect(parsed[1].range.lowerBound.line == 2)
  }

  @Test(arguments: [
    ("roas by brand \\", true),
    ("roas by brand \\   ", true),
    ("roas by brand \\ -- more to come", true),
    ("roas where (a=1 or", true),
    ("roas where brand in (A,\n B", true),
    ("roas where b=\"x", true),
    ("roas where b='it''s", true),
    ("roas by brand", false),
    ("roas -- comment (", false),
    ("roas where a = \")\"", false),
    ("roas where (a=1)", false),
    ("", false),
  ])
  func needsContinuation(text: String, expected: Bool) {
    #expect(Parser.needsContinuation(text) == expected)
  }
}
