import Foundation
import Testing

@testable import CQStorage

@Suite("DataLoader: valid folders")
struct DataLoaderValidTests {
  @Test func loadsEveryTableOfTheValidFolder() throws {
    let folder = Fixtures.path("valid")
    let data = try DataLoader.load(folder: folder)
    #expect(data.folder == folder)
    #expect(data.influencers.rowCount == 5)
    #expect(data.posts.rowCount == 5)
    #expect(data.tracking.rowCount == 5)
    #expect(data.payouts.rowCount == 5)
    #expect(data.products?.rowCount == 5)
    #expect(data.storeOrders?.rowCount == 2)
    #expect(data.warnings == [])
    #expect(data.tracking.path == folder + "/tracking_data.csv")
    #expect(
      data.tables.map(\.name) == [
        "influencers", "posts", "tracking_data", "payouts", "products", "store_orders",
      ])
    #expect(
      data.posts.columnNames == [
        "influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments",
        "campaign",
      ])
  }

  @Test func columnKindsFollowTheSpec() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    let kinds: [String: [String: ColumnKind]] = [
      "influencers": [
        "id": .string, "name": .string, "category": .string, "gender": .string,
        "follower_count": .integer, "platform": .string,
      ],
      "posts": [
        "influencer_id": .string, "platform": .string, "date": .date, "url": .text,
        "caption": .text, "reach": .integer, "likes": .integer, "comments": .integer,
        "campaign": .string,
      ],
      "tracking_data": [
        "source": .string, "campaign": .string, "influencer_id": .string, "user_id": .string,
        "product": .string, "brand": .string, "date": .date, "orders": .integer, "revenue": .money,
      ],
      "payouts": [
        "influencer_id": .string, "campaign": .string, "basis": .string, "rate": .decimal,
        "orders": .integer, "total_payout": .money, "posts": .integer, "status": .string,
      ],
      "products": ["product": .string, "brand": .string],
      "store_orders": [
        "date": .date, "user_id": .string, "product": .string, "brand": .string, "orders": .integer,
        "revenue": .money, "source": .string,
      ],
    ]
    for table in data.tables {
      let expected = try #require(kinds[table.name])
      #expect(table.columns.mapValues(\.kind) == expected, "\(table.name)")
      for (_, column) in table.columns { #expect(column.count == table.rowCount) }
    }
  }

  @Test func unicodeNamesSurviveByteForByte() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    let names = data.influencers.values("name")
    #expect(
      names == ["Zoë D'Souza", "आरव शर्मा", "Rohan \"Ro\" Mehta", "Kavya 💪 Iyer", "Singh, Priya"])
    #expect(
      Array(names[0].utf8) == [
        0x5A, 0x6F, 0xC3, 0xAB, 0x20, 0x44, 0x27, 0x53, 0x6F, 0x75, 0x7A, 0x61,
      ])
    #expect(Array(names[1].utf8) == Array("आरव शर्मा".utf8))
  }

  @Test func captionsKeepCommasQuotesAndNewlines() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    #expect(
      data.posts.values("caption") == [
        "Crushing leg day, no excuses 💪",
        "My \"secret\" to glowing skin? Consistency, sleep, and HKVitals",
        "Line one\nline two, with a comma",
        "नमस्ते दोस्तों ✨",
        "",
      ])
    #expect(data.posts.values("url")[1] == "https://www.youtube.com/watch?v=x2")
  }

  @Test func influencerCodesAreRowNumbers() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    let (codes, dictionary) = data.influencers.strings("id")
    #expect(Array(codes) == [0, 1, 2, 3, 4])
    #expect(dictionary.values == ["1", "2", "3", "4", "5"])
    #expect(Array(data.posts.strings("influencer_id").codes) == [0, 1, 2, 3, 4])
  }

  @Test func moneyIsExactPaise() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    #expect(Array(data.tracking.integers("revenue")) == [129_950, 49_900, 10, 1_230, 0])
    #expect(
      Array(data.payouts.integers("total_payout")) == [150_000, 6_244, 10_000, 53_690, 80_000])
    #expect(Array(data.payouts.integers("rate")) == [150_000, 1_250, 10_000, 50_000, 80_000])
    #expect(Array(data.storeOrders?.integers("revenue") ?? []) == [129_950, 9_900])
  }

  @Test func countsAndDates() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    #expect(
      Array(data.influencers.integers("follower_count")) == [
        45_200, 1_200_000, 8_000, 310_000, 52_000,
      ])
    #expect(Array(data.posts.dates("date")) == [20_240, 20_241, 20_242, 19_782, 20_244])
    #expect(Array(data.tracking.integers("orders")) == [2, 1, 1, 3, 1])
  }

  @Test func basisAndStatusAreStoredLowerCase() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    #expect(data.payouts.values("basis") == ["post", "commission", "order", "hybrid", "post"])
    #expect(data.payouts.values("status") == ["paid", "pending", "paid", "pending", "paid"])
  }

  @Test func domainsShareOneCompleteDictionary() throws {
    let data = try DataLoader.load(folder: Fixtures.path("valid"))
    // The same campaign has the same code in every table.
    let tracking = data.tracking.strings("campaign")
    let payouts = data.payouts.strings("campaign")
    let posts = data.posts.strings("campaign")
    #expect(tracking.dictionary.values == payouts.dictionary.values)
    #expect(tracking.dictionary.values == posts.dictionary.values)
    let campaign2 = try #require(tracking.dictionary.code(of: "Campaign_2"))
    #expect(tracking.codes[1] == campaign2)
    #expect(payouts.codes[1] == campaign2)
    #expect(posts.codes[1] == campaign2)
    // Every column of a domain holds the complete dictionary, including values seen only later.
    let domains: [[(String, String)]] = [
      [
        ("influencers", "id"), ("posts", "influencer_id"), ("tracking_data", "influencer_id"),
        ("payouts", "influencer_id"),
      ],
      [("influencers", "platform"), ("posts", "platform")],
      [("tracking_data", "product"), ("products", "product"), ("store_orders", "product")],
      [("tracking_data", "brand"), ("products", "brand"), ("store_orders", "brand")],
      [("tracking_data", "user_id"), ("store_orders", "user_id")],
      [("tracking_data", "source"), ("store_orders", "source")],
    ]
    for domain in domains {
      let dictionaries = try domain.map { (table, column) in
        try #require(data.table(named: table)).strings(column).dictionary.values
      }
      for d in dictionaries { #expect(d == dictionaries[0], "\(domain)") }
    }
    // Only in products.csv, then only in store_orders.csv.
    #expect(data.tracking.strings("product").dictionary.code(of: "Protein Bar") != nil)
    #expect(data.tracking.strings("user_id").dictionary.code(of: "user_9") != nil)
    #expect(data.storeOrders?.values("source") == ["instagram.com", "direct"])
  }

  @Test func crlfAndByteOrderMarkLoadTheSameTables() throws {
    let lf = try DataLoader.load(folder: Fixtures.path("valid"))
    let crlf = try DataLoader.load(folder: Fixtures.path("valid-crlf-bom"))
    #expect(crlf.warnings == [])
    for (a, b) in zip(lf.tables, crlf.tables) {
      #expect(a.name == b.name)
      #expect(a.columnNames == b.columnNames)
      // A quoted field keeps its bytes: the CRLF inside the multi-line caption stays CRLF.
      let normalized = b.rows.map { $0.map { $0.replacingOccurrences(of: "\r\n", with: "\n") } }
      #expect(a.rows == normalized, "\(a.name)")
    }
    #expect(crlf.posts.values("caption")[2] == "Line one\r\nline two, with a comma")
  }

  @Test func headerOnlyFileHasZeroRows() throws {
    let folder = try Fixtures.folder("header-only")
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.posts.rowCount == 0)
    #expect(
      data.posts.columnNames == [
        "influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments",
      ])
    #expect(data.posts.columns.values.allSatisfy { $0.count == 0 })
    #expect(data.warnings == [])
  }

  @Test func extraColumnsAreNotedAndHeadersMatchLoosely() throws {
    let folder = try Fixtures.folder("extra-column")
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.warnings == ["posts.csv: ignoring extra columns 'Foo', 'Bar'"])
    #expect(
      data.posts.columnNames == [
        "influencer_id", "platform", "date", "url", "caption", "reach", "likes", "comments",
      ])
    #expect(data.posts.values("reach") == ["12000"])
    #expect(data.posts.values("platform") == ["Instagram"])
  }

  @Test func seedColumnSetsLoadWithBrandFromProducts() throws {
    let folder = try Fixtures.folder("seed-columns")
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(
      data.warnings == [
        "tracking_data.csv: no 'brand' column; brand looked up from products.csv by product"
      ])
    #expect(!data.payouts.has("campaign"))
    #expect(!data.payouts.has("status"))
    #expect(!data.posts.has("campaign"))
    #expect(data.tracking.columnNames.last == "brand")
    #expect(data.tracking.values("brand") == ["MuscleBlaze", "HKVitals", "Gritzo"])
    #expect(
      data.tracking.strings("brand").dictionary.values
        == data.products?.strings("brand").dictionary.values)
  }

  @Test func productsMissingFromProductsCSVGetUnknownBrand() throws {
    let folder = try Fixtures.folder("unmapped-products", base: "valid")
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(
      data.warnings == [
        "tracking_data.csv: no 'brand' column; brand looked up from products.csv by product",
        "tracking_data.csv: 3 rows have products not in products.csv (e.g. \"Mystery Powder\", \"Kids Protein Bar\"); brand set to '(unknown)'",
      ])
    #expect(
      data.tracking.values("brand") == ["MuscleBlaze", "(unknown)", "(unknown)", "(unknown)"])
  }

  @Test func noBrandAndNoProductsFillsUnknown() throws {
    let folder = try Fixtures.folder("seed-columns", removing: ["products.csv"])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.products == nil)
    #expect(
      data.warnings == [
        "tracking_data.csv: no 'brand' column and no products.csv; brand is '(unknown)' for every row"
      ])
    #expect(data.tracking.values("brand") == ["(unknown)", "(unknown)", "(unknown)"])
  }

  @Test func unknownInfluencersAreKeptAndReportedOnce() throws {
    let folder = try Fixtures.folder("unknown-influencers")
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(
      data.warnings == [
        "posts.csv: 1 row references an influencer id not in influencers.csv (77); kept, labelled as unknown",
        "tracking_data.csv: 3 rows reference influencer ids not in influencers.csv (e.g. 901, 902); kept, labelled as unknown",
      ])
    let (codes, dictionary) = data.tracking.strings("influencer_id")
    #expect(data.tracking.rowCount == 4)
    #expect(Array(codes).map { $0 >= 5 } == [true, false, true, true])
    #expect(codes.map { dictionary[$0] } == ["901", "2", "902", "901"])
    #expect(Array(data.influencers.strings("id").codes) == [0, 1, 2, 3, 4])
  }

  @Test func optionalFilesMayBeAbsent() throws {
    let folder = try Fixtures.folder(nil, removing: ["products.csv", "store_orders.csv"])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.products == nil)
    #expect(data.storeOrders == nil)
    #expect(
      data.tracking.values("brand") == [
        "MuscleBlaze", "HKVitals", "MuscleBlaze", "Gritzo", "MuscleBlaze",
      ])
  }

  @Test func quotedHeaderNamesAndQuotedNumbersLoad() throws {
    let influencers =
      "\"id\",\"Name\",\"cate\"\"gory\",gender,follower_count,platform,category\n\"1\",\"A \"\"B\"\"\",x,Female,\"45200\",Instagram,Fitness\n"
    let folder = try Fixtures.folder(writing: ["influencers.csv": Array(influencers.utf8)])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    #expect(data.warnings.first == "influencers.csv: ignoring extra column 'cate\"gory'")
    #expect(data.influencers.values("name") == ["A \"B\""])
    #expect(data.influencers.values("follower_count") == ["45200"])
    #expect(data.influencers.values("category") == ["Fitness"])
  }

  @Test func folderWithTrailingSlashNamesFilesOnce() throws {
    let folder = Fixtures.path("valid") + "/"
    let data = try DataLoader.load(folder: folder)
    #expect(data.posts.path == folder + "posts.csv")
  }
}

@Suite("DataLoader: canonically equivalent spellings")
struct CanonicalEquivalenceTests {
  static let nfc = "Zo\u{EB}"  // ë as one scalar
  static let nfd = "Zoe\u{308}"  // e + combining diaeresis

  @Test func equivalentNamesShareOneValue() throws {
    #expect(Array(Self.nfc.utf8) != Array(Self.nfd.utf8))
    let text =
      "id,name,category,gender,follower_count,platform\n1,\(Self.nfc),Fitness,Female,1,Instagram\n2,\(Self.nfd),Health,Male,2,YouTube\n3,Other,Health,Male,3,YouTube\n"
    let folder = try Fixtures.folder(writing: ["influencers.csv": Array(text.utf8)])
    defer { Fixtures.remove(folder) }
    let data = try DataLoader.load(folder: folder)
    let (codes, dictionary) = data.influencers.strings("name")
    #expect(Array(codes) == [0, 0, 1])
    #expect(dictionary.values.count == 2)
    #expect(Array(dictionary.values[0].utf8) == Array(Self.nfc.utf8))  // the first spelling seen
    #expect(data.influencers.values("name") == [Self.nfc, Self.nfc, "Other"])
  }

  @Test func equivalentInfluencerIDsAreDuplicates() throws {
    let text =
      "id,name,category,gender,follower_count,platform\n\(Self.nfc),A,Fitness,Female,1,Instagram\nx,B,Health,Male,2,YouTube\n\(Self.nfd),C,Health,Male,3,YouTube\n"
    let folder = try Fixtures.folder(writing: ["influencers.csv": Array(text.utf8)])
    defer { Fixtures.remove(folder) }
    let error = try #require(Fixtures.loadError(folder))
    #expect(
      error.description
        == "\(folder)/influencers.csv:4: column 'id': expected unique id, found \"\(Self.nfd)\" (first on line 2)"
    )
  }
}
