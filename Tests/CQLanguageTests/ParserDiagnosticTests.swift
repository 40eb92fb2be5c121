import CQLanguage
import Testing

@Suite("Parser: diagnostics")
struct ParserDiagnosticTests {
  @Test func unknownStatementSuggestsKeyword() {
    assertDiagnostic(
      "1️⃣shwo metrics", "unknown statement 'shwo'; did you mean 'show'?", fixIts: ["show"],
      fixedSource: "show metrics")
    assertDiagnostic(
      "1️⃣exlpain roas by brand", "unknown statement 'exlpain'; did you mean 'explain'?",
      fixIts: ["explain"], fixedSource: "explain roas by brand")
  }

  @Test func misspeltStatementIsParsedAsTheSuggestion() {
    assertDiagnostics(
      "1️⃣shwo 2️⃣metrix",
      [
        DiagnosticSpec("1️⃣", "unknown statement 'shwo'; did you mean 'show'?", fixIts: ["show"]),
        DiagnosticSpec("2️⃣", "cannot show 'metrix'; did you mean 'metrics'?", fixIts: ["metrics"]),
      ], fixedSource: "show metrics")
  }

  @Test func misspeltSortDirection() {
    assertDiagnostic(
      "revenue by brand order by revenue 1️⃣dsc", "unexpected 'dsc'; did you mean 'desc'?",
      fixIts: ["desc"],
      fixedSource: "revenue by brand order by revenue desc")
    assertDiagnostic(
      "revenue by brand order by revenue 1️⃣acs, brand", "unexpected 'acs'; did you mean 'asc'?",
      fixIts: ["asc"],
      fixedSource: "revenue by brand order by revenue asc, brand")
  }

  @Test func misspeltClauseKeyword() {
    assertDiagnostic(
      "roas by campaign 1️⃣were brand=X", "unknown clause 'were'; did you mean 'where'?",
      fixIts: ["where"], fixedSource: "roas by campaign where brand=X")
    assertDiagnostic(
      "roas by campaign 1️⃣oder by roas", "unknown clause 'oder'; did you mean 'order'?",
      fixIts: ["order"], fixedSource: "roas by campaign order by roas")
    assertDiagnostic(
      "roas by campaign 1️⃣limt 5", "unknown clause 'limt'; did you mean 'limit'?",
      fixIts: ["limit"], fixedSource: "roas by campaign limit 5")
    // A plural name or a word the clause cannot start with is not taken for a misspelt clause.
    assertDiagnostic(
      "revenue 1️⃣orders by brand",
      "unexpected 'orders' after 'revenue'; separate names with ',' or start a clause such as 'by' or 'where'"
    )
    assertDiagnostic(
      "roas by campaign 1️⃣limt",
      "unexpected 'limt' after 'campaign'; separate names with ',' or start a clause such as 'by' or 'where'"
    )
    assertDiagnostic(
      "roas by campaign where brand=X 1️⃣adn platform=Y", "unexpected 'adn'; did you mean 'and'?",
      fixIts: ["and"], fixedSource: "roas by campaign where brand=X and platform=Y")
  }

  @Test func missingValues() {
    assertDiagnostic("roas where brand=1️⃣", "expected a value after '='")
    assertDiagnostic(
      "roas where brand= 1️⃣and platform=X", "expected a value after '=', found 'and'")
    assertDiagnostic("roas where brand in (A, 1️⃣)", "expected a value after ',', found ')'")
    assertDiagnostic("roas where 1️⃣", "expected a condition after 'where'")
    assertDiagnostic("roas where 1️⃣= 3", "expected a condition after 'where', found '='")
  }

  @Test func missingNames() {
    assertDiagnostic("roas by 1️⃣", "expected a dimension name after 'by'")
    assertDiagnostic("roas by 1️⃣where x=1", "expected a dimension name after 'by', found 'where'")
    assertDiagnostic("roas, 1️⃣by brand", "expected a metric name after ',', found 'by'")
    assertDiagnostic("roas by brand order by 1️⃣", "expected a metric or dimension name after 'by'")
    assertDiagnostic("1️⃣10 roas", "expected a statement or a metric name, found '10'")
    assertDiagnostic("1️⃣where brand=X", "expected a statement or a metric name, found 'where'")
    assertDiagnostic("explain 1️⃣", "expected a query after 'explain'")
    assertDiagnostic("describe 1️⃣", "expected a name after 'describe'")
  }

  @Test func badNumbers() {
    assertDiagnostic(
      "roas by campaign limit 1️⃣ten", "expected a whole number after 'limit', found 'ten'")
    assertDiagnostic(
      "roas by campaign limit 1️⃣3.5", "expected a whole number after 'limit', found '3.5'")
    assertDiagnostic(
      "roas by campaign limit 1️⃣99999999999999999999999", "'99999999999999999999999' is too large")
    assertDiagnostic("top 1️⃣x influencer by roas", "expected a whole number after 'top', found 'x'")
    assertDiagnostic("top 1️⃣0 influencer by roas", "'top' needs a count of at least 1")
    assertDiagnostic(
      "top 1️⃣influencer by roas", "expected a whole number after 'top', found 'influencer'")
  }

  @Test func unterminatedQuote() {
    assertDiagnostic(
      "roas where brand = 1️⃣\"MuscleBlaze", "unterminated quoted value; add the closing \"",
      fixIts: ["\""], fixedSource: "roas where brand = \"MuscleBlaze\"")
    assertDiagnostic(
      "roas where brand = 1️⃣'Muscle", "unterminated quoted value; add the closing '",
      fixIts: ["'"], fixedSource: "roas where brand = 'Muscle'")
  }

  @Test func parentheses() {
    assertDiagnostics(
      "roas where 2️⃣(brand = X or platform = Y1️⃣",
      [
        DiagnosticSpec(
          "1️⃣", "expected ')' to close '('", fixIts: [")"],
          notes: [(marker: "2️⃣", message: "'(' opened here")])
      ], fixedSource: "roas where (brand = X or platform = Y)")
    assertDiagnostic(
      "roas where brand = X1️⃣) by campaign", "unmatched ')'", fixIts: [""],
      fixedSource: "roas where brand = X by campaign")
    assertDiagnostics(
      "roas where 2️⃣(brand = X 1️⃣platform = Y)",
      [
        DiagnosticSpec(
          "1️⃣", "expected 'and', 'or' or ')', found 'platform'",
          notes: [(marker: "2️⃣", message: "'(' opened here")])
      ])
    assertDiagnostics(
      "roas where brand in 2️⃣(A, B1️⃣",
      [
        DiagnosticSpec(
          "1️⃣", "expected ')' to close '('", fixIts: [")"],
          notes: [(marker: "2️⃣", message: "'(' opened here")])
      ])
    assertDiagnostic(
      "roas where brand in (A 1️⃣B)", "expected ',' or ')' in the list of values, found 'B'")
    assertDiagnostic("roas where brand in 1️⃣A", "expected '(' after 'in', found 'A'")
  }

  @Test func missingOperator() {
    assertDiagnostic(
      "roas where brand 1️⃣MuscleBlaze",
      "expected an operator such as '=' between 'brand' and 'MuscleBlaze'", fixIts: ["="],
      fixedSource: "roas where brand=MuscleBlaze")
    assertDiagnostic(
      "roas where date between 2025-05-01 1️⃣2025-05-31",
      "expected 'and' after '2025-05-01', found '2025-05-31'")
  }

  @Test func chartsAndShow() {
    assertDiagnostic(
      "roas by brand chart 1️⃣baar", "unknown chart kind 'baar'; did you mean 'bar'?",
      fixIts: ["bar"], fixedSource: "roas by brand chart bar")
    assertDiagnostic(
      "roas by brand chart 1️⃣pie",
      "unknown chart kind 'pie'; expected bar, line, spark, scatter or hist")
    assertDiagnostic(
      "roas by brand chart 1️⃣",
      "expected a chart kind after 'chart' (bar, line, spark, scatter or hist)")
    assertDiagnostic(
      "show 1️⃣everything",
      "expected metrics, dimensions, tables, segments or settings after 'show', found 'everything'")
  }

  @Test func badDates() {
    assertDiagnostic("roas where date = 1️⃣2025-02-30", "'2025-02-30' is not a valid date")
    assertDiagnostic("roas where month = 1️⃣2025-13", "'2025-13' is not a valid date")
    #expect(Parser.parse("roas where date = 2024-02-29").diagnostics.isEmpty)
  }

  @Test func clauseProblems() {
    assertDiagnostic(
      "roas 1️⃣revenue by brand",
      "unexpected 'revenue' after 'roas'; separate names with ',' or start a clause such as 'by' or 'where'"
    )
    assertDiagnostic(
      "revenue by brand > out.csv 1️⃣where x=1",
      "'where' must come before '> out.csv'; the output file ends the statement")
    assertDiagnostic(
      "revenue by brand > my 1️⃣file.csv",
      "unexpected 'file.csv' after the path 'my'; quote paths that contain spaces")
    assertDiagnostic("revenue by brand > 1️⃣", "expected a file name after '>'")
    assertDiagnostics(
      "roas 2️⃣by brand 1️⃣by campaign",
      [
        DiagnosticSpec(
          "1️⃣", "duplicate 'by' clause", notes: [(marker: "2️⃣", message: "the first one is here")])
      ])
    assertDiagnostic(
      "top 5 influencer by roas 1️⃣limit 3",
      "'limit' cannot be combined with 'top 5'; 'top 5' already limits the rows")
    assertDiagnostic("roas by brand 1️⃣with other", "'with other' needs 'top N' or 'limit N'")
    assertDiagnostic(
      "top 3 brand by roas with 1️⃣others", "expected 'other' after 'with', found 'others'")
    assertDiagnostic(
      "roas by brand order 1️⃣roas", "expected 'by' after 'order', found 'roas'", fixIts: ["by "],
      fixedSource: "roas by brand order by roas")
  }

  @Test func otherStatements() {
    assertDiagnostic(
      "define metric profit 1️⃣revenue - payout", "expected '=' after 'profit', found 'revenue'",
      fixIts: ["= "], fixedSource: "define metric profit = revenue - payout")
    assertDiagnostic(
      "define metric x = revenue 1️⃣payout",
      "expected an operator such as '+' or the end of the statement, found 'payout'")
    assertDiagnostic(
      "define metric x = revenue + 1️⃣", "expected a metric name or a number after '+'")
    assertDiagnostic(
      "define 1️⃣metrc x = revenue", "unexpected 'metrc'; did you mean 'metric'?", fixIts: ["metric"])
    assertDiagnostic(
      "define 1️⃣view x = revenue", "expected 'metric' or 'segment' after 'define', found 'view'")
    assertDiagnostic(
      "define segment s = brand=A 1️⃣by brand",
      "expected 'and', 'or' or the end of the statement, found 'by'")
    assertDiagnostic("load 1️⃣", "expected a folder after 'load'")
    assertDiagnostic("run 1️⃣", "expected a file name after 'run'")
    assertDiagnostic(
      "load my 1️⃣data", "unexpected 'data' after the path 'my'; quote paths that contain spaces")
    assertDiagnostic("schema 1️⃣x", "unexpected 'x' after 'schema'")
    assertDiagnostic("sample posts 1️⃣ten", "unexpected 'ten' after 'posts'")
    assertDiagnostic("last 1️⃣5", "unexpected '5' after 'last'")
  }

  @Test func lexicalErrors() {
    assertDiagnostics(
      "roas by brand 1️⃣& 2️⃣x",
      [
        DiagnosticSpec("1️⃣", "unexpected character '&'"),
        DiagnosticSpec(
          "2️⃣",
          "unexpected 'x' after 'brand'; separate names with ',' or start a clause such as 'by' or 'where'"
        ),
      ])
  }

  @Test func everyStatementIsReported() {
    assertDiagnostics(
      "roas by 1️⃣\nshow metrics\n2️⃣shwo tables; roas 3️⃣were a=1",
      [
        DiagnosticSpec("1️⃣", "expected a dimension name after 'by'"),
        DiagnosticSpec("2️⃣", "unknown statement 'shwo'; did you mean 'show'?", fixIts: ["show"]),
        DiagnosticSpec("3️⃣", "unknown clause 'were'; did you mean 'where'?", fixIts: ["where"]),
      ])
    #expect(Parser.parse("roas by\nshow metrics\nshwo tables").statements.count == 1)
  }

  @Test func recoveryContinuesAfterABadClause() {
    assertDiagnostics(
      "roas by brand where 1️⃣= 3 limit 2️⃣x chart 3️⃣baar",
      [
        DiagnosticSpec("1️⃣", "expected a condition after 'where', found '='"),
        DiagnosticSpec("2️⃣", "expected a whole number after 'limit', found 'x'"),
        DiagnosticSpec("3️⃣", "unknown chart kind 'baar'; did you mean 'bar'?", fixIts: ["bar"]),
      ])
  }

  @Test func caretColumnsCountGraphemes() {
    assertDiagnostic(
      "roas where brand = मसलब्लेज़ 1️⃣adn x=1", "unexpected 'adn'; did you mean 'and'?",
      fixIts: ["and"], fixedSource: "roas where brand = मसलब्लेज़ and x=1")
    assertDiagnostic(
      "roas where influencer = \"Zoë 💪\" 1️⃣&", "unexpected character '&'")
  }

  @Test func messagesFollowTheHouseStyle() {
    let inputs = [
      "roas by", "shwo metrics", "roas were x=1", "roas where x=", "top 0 a", "roas where (a=1",
      "roas where b=\"x", "define metric x", "load", "roas by brand chart baar", "roas a b",
    ]
    for input in inputs {
      for d in Parser.parse(input).diagnostics {
        #expect(d.message.first?.isUppercase == false, "\(d.message)")
        #expect(!d.message.hasSuffix("."), "\(d.message)")
      }
    }
  }
}
