import Foundation
import Testing

@testable import CQStorage

/// SPEC §1: every rejected value reads `FILE:LINE: column 'NAME': expected KIND, found "TEXT"`.
@Suite("DataLoader: rejected values in the SPEC format")
struct RejectedValueFormatTests {
  static let payoutsHeader = "influencer_id,campaign,basis,rate,orders,total_payout\n"

  @Test func negativeRateNamesWhatItLacks() throws {
    let text = Self.payoutsHeader + "1,Campaign_1,post,-5,0,100\n"
    let folder = try Fixtures.folder(writing: ["payouts.csv": Array(text.utf8)])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/payouts.csv:2: column 'rate': expected non-negative number, found \"-5\"")
  }

  @Test func nonNumbersKeepThePlainKind() throws {
    let text = Self.payoutsHeader + "1,Campaign_1,post,abc,0,100\n"
    let folder = try Fixtures.folder(writing: ["payouts.csv": Array(text.utf8)])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description == "\(folder)/payouts.csv:2: column 'rate': expected number, found \"abc\"")
  }

  @Test func invalidUTF8NamesItsColumnAfterAQuotedNewline() throws {
    var bytes = Array(
      "id,name,category,gender,follower_count,platform\n1,\"A\nB\",Fitness,Female,10,Instagram\n"
        .utf8)
    bytes += Array("2,Ok,Fit".utf8) + [0xC3] + Array("ness,Male,20,YouTube\n".utf8)
    let folder = try Fixtures.folder(writing: ["influencers.csv": bytes])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/influencers.csv:4: column 'category': expected UTF-8 text, found \"Fit\u{FFFD}ness\""
    )
    #expect(error.code == .invalidUTF8)
    #expect(error.column == "category")
  }

  @Test func invalidUTF8InTheHeaderHasNoColumn() throws {
    let bytes: [UInt8] =
      Array("id,na".utf8) + [0xFF] + Array("me,category,gender,follower_count,platform\n".utf8)
    let folder = try Fixtures.folder(writing: ["influencers.csv": bytes])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(error.description == "\(folder)/influencers.csv:1: invalid UTF-8")
  }

  @Test func longAndMultiLineTextIsShownOnOneLine() {
    #expect(LoadError.shown("a\nb\r\nc") == "a\\nb\\r\\nc")
    let long = String(repeating: "x", count: 100)
    #expect(LoadError.shown(long) == String(repeating: "x", count: 80) + "…")
  }
}
