import CQLanguage
import Testing

/// SPEC §2 conformance audit: errors point at the text and say what was expected, once.
@Suite("Parser: audit of condition and clause errors")
struct AuditParserTests {
  @Test func valueWithSpacesNeedsQuotes() {
    assertDiagnostic(
      "revenue by product where product=Raw 1️⃣Whey Protein",
      "unexpected 'Whey' after the value 'Raw'; a value with spaces needs quotes: \"Raw Whey Protein\"",
      fixIts: ["\"Raw Whey Protein\""],
      fixedSource: "revenue by product where product=\"Raw Whey Protein\"")
    assertDiagnostic(
      "revenue where product = Raw 1️⃣Whey and brand=MuscleBlaze",
      "unexpected 'Whey' after the value 'Raw'; a value with spaces needs quotes: \"Raw Whey\"",
      fixIts: ["\"Raw Whey\""],
      fixedSource: "revenue where product = \"Raw Whey\" and brand=MuscleBlaze")
  }

  @Test func secondComparisonWithoutConnective() {
    assertDiagnostic(
      "revenue by brand where brand=MuscleBlaze 1️⃣platform=Instagram",
      "expected 'and' or 'or' before 'platform' to join two comparisons", fixIts: ["and "],
      fixedSource: "revenue by brand where brand=MuscleBlaze and platform=Instagram")
    assertDiagnostic(
      "revenue where brand=MuscleBlaze 1️⃣source in (google)",
      "expected 'and' or 'or' before 'source' to join two comparisons", fixIts: ["and "])
  }

  @Test func repeatedClauseKeywordIsOneError() {
    assertDiagnostic("revenue by 1️⃣by", "expected a dimension name after 'by', found 'by'")
    assertDiagnostic("revenue by 1️⃣by brand", "expected a dimension name after 'by', found 'by'")
    assertDiagnostic(
      "revenue where 1️⃣where brand=Gritzo", "expected a condition after 'where', found 'where'")
  }
}
