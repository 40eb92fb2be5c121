import CQPostgres
import CQTestSupport
import Foundation
import Testing

/// `cq load DIR --into postgres://…` (SPEC §8, issue 11) against the throwaway servers of
/// `Tests/postgres/with-servers.sh`: the tables and values the SQL engine relies on, one
/// transaction, and errors that name host and database but never a password.
@Suite(.enabled(if: TestServer.isAvailable, TestServer.skipReason))
struct LoadIntoTests {
  @Test func bundledDataLoadsWithTypedColumnsAndRowNumbers() throws {
    let db = try ScratchDatabase()
    let run = try cqLoad(TestPaths.bundledData.path, into: db.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "")
    let summary = try #require(run.stderr.split(separator: "\n").last.map(String.init))
    #expect(
      summary.hasPrefix(
        "loaded 6 tables (500 influencers, 10,000 posts, 20,000 tracking rows, 761 payouts, 24 products, 83,324 store order rows) into \(db.place) in "
      ), "\(summary)")
    #expect(summary.hasSuffix(" s"))

    #expect(
      try db.tables() == [
        "influencers", "payouts", "posts", "products", "store_orders", "tracking_data",
      ])
    let counts = [
      "influencers": 500, "posts": 10_000, "tracking_data": 20_000, "payouts": 761, "products": 24,
      "store_orders": 83_324,
    ]
    for (table, rows) in counts {
      #expect(try db.value("select count(*) from \(table)") == String(rows), "\(table)")
    }
    #expect(
      try db.columns("tracking_data") == [
        "cq_row bigint not null", "source text not null", "campaign text not null",
        "influencer_id text not null", "user_id text not null", "product text not null",
        "brand text not null", "date date not null", "orders bigint not null",
        "revenue bigint not null",
      ])
    #expect(
      try db.columns("payouts") == [
        "cq_row bigint not null", "influencer_id text not null", "campaign text not null",
        "basis text not null", "rate bigint not null", "orders bigint not null",
        "total_payout bigint not null", "posts bigint not null", "status text not null",
      ])
    #expect(
      try db.columns("influencers") == [
        "cq_row bigint not null", "id text not null", "name text not null",
        "category text not null", "gender text not null",
        "follower_count bigint not null", "platform text not null",
      ])
    #expect(try db.columns("products") == ["product text not null", "brand text not null"])
    #expect(try db.columns("store_orders").first == "cq_row bigint not null")
    #expect(try db.columns("posts").first == "cq_row bigint not null")
    #expect(
      try db.value(
        "select string_agg(a.attname, ',') from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = 'influencers'::regclass and i.indisprimary"
      ) == "id")

    // The first data lines of the files (see data/*.csv), as cq holds them.
    #expect(
      try db.rows(
        "select cq_row, source, campaign, influencer_id, user_id, product, brand, date::text, orders, revenue from tracking_data where cq_row = 0"
      ) == [
        [
          "0", "direct", "Campaign_1", "479", "user_4026", "Whey Gold", "MuscleBlaze", "2025-04-23",
          "1", "36872",
        ]
      ])
    #expect(
      try db.rows(
        "select cq_row, influencer_id, campaign, basis, rate, orders, total_payout, posts, status from payouts where cq_row = 1"
      )
        == [["1", "1", "Campaign_9", "order", "6700", "50", "335000", "26", "paid"]])
    #expect(
      try db.rows("select caption, date::text, reach from posts where cq_row = 0") == [
        ["Honest review: Raw Whey Protein — taste 8/10, mixability 9/10 ✅", "2025-04-23", "2197"]
      ])
    #expect(try db.value("select name from influencers where id = '2'") == "अर्जुन ठाकुर")
    #expect(try db.value("select max(cq_row) from tracking_data") == "19999")
    #expect(try db.value("select count(distinct cq_row) from tracking_data") == "20000")
    try expectTablesMatchSample(folder: TestPaths.bundledData.path, db: db)

    // The money totals are cq's own, to the paisa.
    let totals = try runCQ(
      ["--norc", "--data", TestPaths.bundledData.path, "--format", "csv", "-c", "revenue, payout"])
    #expect(totals.status == 0)
    let expected = try #require(totals.stdout.split(separator: "\n").last).split(separator: ",").map
    {
      String($0.replacingOccurrences(of: ".", with: ""))
    }
    #expect(
      try db.rows(
        "select (select sum(revenue) from tracking_data)::text, (select sum(total_payout) from payouts)::text"
      )
        == [expected.map(Optional.some)])
  }

  @Test func valuesAreLoadedAsCqHoldsThem() throws {
    let db = try ScratchDatabase()
    let folder = try Folder()
    let injection = "x'); drop table payouts; --"
    try folder.write(
      "\u{FEFF}id,name,category,gender,follower_count,platform\n"
        + "1,\"  Asha \u{200B}\",fitness,Female,12000,Instagram\n"
        + "2,\"\(injection)\",Health,Male,700000,YouTube\n",
      to: "influencers.csv")
    try folder.write(
      "influencer_id,platform,date,url,caption,reach,likes,comments\n"
        + "1,Instagram,2025-06-01,https://example.com/1,\"tab\there, back\\slash \\N\nnew line\r\nand CR\",1000,50,5\n"
        + "2,YouTube,2025-06-02,https://example.com/2,\"\(injection)\",2000,100,0\n",
      to: "posts.csv")
    try folder.write(
      "source,campaign,influencer_id,user_id,product,date,orders,revenue\n"
        + "direct,\" Launch \",1,u1,Whey,2025-06-01,2,400.5\n"
        + "google,\(injection),1,u2,oats,2025-06-03,1,99.25\n"
        + "direct,launch,3,u1,Mystery,2025-06-04,0,0\n",
      to: "tracking_data.csv")
    try folder.write(
      "influencer_id,basis,rate,orders,total_payout\n"
        + "1,Commission,12.5,3,100\n"
        + "2,POST,300,0,300.00\n",
      to: "payouts.csv")
    try folder.write("product,brand\nWhey,MuscleBlaze\nOats,HKVitals\n", to: "products.csv")

    let run = try cqLoad(folder.path, into: db.url)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(
      run.stderr.contains(
        "note: tracking_data.csv: no 'brand' column; brand looked up from products.csv by product"))
    #expect(try db.tables() == ["influencers", "payouts", "posts", "products", "tracking_data"])

    // Names keep their spaces (only invisible characters at the ends go, as in memory); the
    // first spelling of a category is kept. Optional columns the files lack are not made up;
    // brand is derived.
    #expect(
      try db.columns("payouts").map { $0.split(separator: " ")[0] } == [
        "cq_row", "influencer_id", "basis", "rate", "orders", "total_payout",
      ])
    #expect(
      try db.columns("posts").map { $0.split(separator: " ")[0] }.contains("campaign") == false)
    #expect(try db.columns("tracking_data").map { $0.split(separator: " ")[0] }.last == "brand")

    #expect(
      try db.rows("select id, name, category from influencers order by id") == [
        ["1", "  Asha ", "fitness"], ["2", injection, "Health"],
      ])
    #expect(
      try db.rows("select cq_row, caption from posts order by cq_row") == [
        ["0", "tab\there, back\\slash \\N\nnew line\r\nand CR"], ["1", injection],
      ])
    #expect(
      try db.rows(
        "select cq_row, campaign, product, brand, orders, revenue from tracking_data order by cq_row"
      ) == [
        ["0", "Launch", "Whey", "MuscleBlaze", "2", "40050"],
        ["1", "x'); drop table payouts; --", "Oats", "HKVitals", "1", "9925"],
        ["2", "Launch", "Mystery", "(unknown)", "0", "0"],
      ])
    #expect(
      try db.rows(
        "select cq_row, influencer_id, basis, rate, orders, total_payout from payouts order by cq_row"
      ) == [
        ["0", "1", "commission", "1250", "3", "10000"], ["1", "2", "post", "30000", "0", "30000"],
      ])
    // The value is data in every table, and the statement inside it never ran.
    #expect(try db.value("select count(*) from payouts") == "2")
    try expectTablesMatchSample(folder: folder.path, db: db)
  }

  @Test func aLoadReplacesEveryTableAndDropsDerivedData() throws {
    let db = try ScratchDatabase()
    let run = try cqLoad(TestPaths.bundledData.path, into: db.url)
    #expect(run.status == 0, "\(run.stderr)")
    let connection = try db.connect()
    try connection.execute(
      "create schema cq_derived", "create table cq_derived.shares (x int)",
      "insert into cq_derived.shares values (1)")

    let folder = try Folder()
    try folder.copyBundledData()
    try folder.remove("store_orders.csv")
    try folder.write(
      "id,name,category,gender,follower_count,platform\n7,Zoë,Fitness,Female,5,Instagram\n",
      to: "influencers.csv")
    let second = try cqLoad(folder.path, into: db.url)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.contains("loaded 5 tables (1 influencer, "))
    #expect(try db.tables() == ["influencers", "payouts", "posts", "products", "tracking_data"])
    #expect(try db.value("select count(*) from pg_namespace where nspname = 'cq_derived'") == "0")
    #expect(try db.rows("select id, name from influencers") == [["7", "Zoë"]])
  }

  @Test func aBadFileIsReportedAsCqReportsItAndChangesNothing() throws {
    let db = try ScratchDatabase()
    let good = try cqLoad(TestPaths.bundledData.path, into: db.url)
    #expect(good.status == 0, "\(good.stderr)")
    let before = try snapshot(db)

    let folder = try Folder()
    try folder.copyBundledData()
    var tracking = try String(
      contentsOf: folder.url.appendingPathComponent("tracking_data.csv"), encoding: .utf8)
    tracking = tracking.replacingOccurrences(of: ",1,368.72\n", with: ",1,₹368.72\n")
    try folder.write(tracking, to: "tracking_data.csv")

    let bad = try cqLoad(folder.path, into: db.url)
    #expect(bad.status == 4)
    #expect(bad.stdout == "")
    #expect(
      bad.stderr
        == "\(folder.path)/tracking_data.csv:2: column 'revenue': expected money, found \"₹368.72\"\n"
    )
    // The same words as the in-memory loader's.
    let memory = try runCQ(["--norc", "--data", folder.path, "-c", "revenue"])
    #expect(memory.status == 4)
    #expect(memory.stderr.hasPrefix(bad.stderr))
    #expect(try snapshot(db) == before)
  }

  @Test func aServerFailureMidCopyRollsBackEverything() throws {
    let db = try ScratchDatabase()
    let good = try cqLoad(TestPaths.bundledData.path, into: db.url)
    #expect(good.status == 0, "\(good.stderr)")
    try db.connect().execute("create schema cq_derived", "create table cq_derived.kept (x int)")
    let before = try snapshot(db)

    // A NUL character is valid UTF-8 to cq's loader, but PostgreSQL text cannot hold it: the
    // COPY of posts fails after the old tables were dropped and influencers copied.
    let folder = try Folder()
    try folder.copyBundledData()
    var posts = try String(
      contentsOf: folder.url.appendingPathComponent("posts.csv"), encoding: .utf8)
    posts = posts.replacingOccurrences(of: "Honest review", with: "Honest\u{0} review")
    try folder.write(posts, to: "posts.csv")

    let bad = try cqLoad(folder.path, into: db.url)
    #expect(bad.status == 4)
    #expect(bad.stderr.hasPrefix("PostgreSQL at \(db.place): "), "\(bad.stderr)")
    #expect(bad.stderr.hasSuffix("; nothing was changed\n"), "\(bad.stderr)")
    #expect(bad.stderr.split(separator: "\n").count == 1)
    #expect(try snapshot(db) == before)
    #expect(try db.value("select count(*) from cq_derived.kept") == "0")
  }

  @Test func aStoppedServerIsExit4NamingHostAndDatabase() throws {
    // Port 1 on loopback: nothing listens there.
    let run = try cqLoad(TestPaths.bundledData.path, into: "postgres://cq@127.0.0.1:1/campaigns")
    #expect(run.status == 4)
    #expect(run.stdout == "")
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(run.stderr)")
    #expect(
      run.stderr.hasPrefix("cannot connect to PostgreSQL at cq@127.0.0.1:1/campaigns: "),
      "\(run.stderr)")
  }

  @Test func aWrongPasswordIsExit4AndNeverShown() throws {
    let db = try ScratchDatabase()
    let secret = "Wr0ngSecret-\(UUID().uuidString.prefix(8))"
    let fromEnvironment = try cqLoad(
      TestPaths.bundledData.path, into: db.url, environment: ["PGPASSWORD": secret])
    let inURL = try cqLoad(
      TestPaths.bundledData.path,
      into: db.url.replacingOccurrences(of: "://cq@", with: "://cq:\(secret)@"),
      environment: ["PGPASSWORD": ""])
    for run in [fromEnvironment, inURL] {
      #expect(run.status == 4)
      #expect(
        run.stderr.hasPrefix("PostgreSQL at \(db.place) refused the login: "), "\(run.stderr)")
      #expect(run.stderr.split(separator: "\n").count == 1)
      #expect(!(run.stdout + run.stderr).contains(secret))
      #expect(!(run.stdout + run.stderr).contains(TestServer.password))
    }
    #expect(try db.tables() == [])

    // The right password in the URL works and is not echoed in the summary.
    let right = try cqLoad(
      TestPaths.bundledData.path,
      into: db.url.replacingOccurrences(of: "://cq@", with: "://cq:\(TestServer.password)@"),
      environment: ["PGPASSWORD": ""])
    #expect(right.status == 0, "\(right.stderr)")
    #expect(right.stderr.contains(" into \(db.place) in "))
    #expect(!(right.stdout + right.stderr).contains(TestServer.password))
  }

  @Test(.enabled(if: TestServer.adminURL != nil, "CQ_PG_ADMIN_URL is not set"))
  func aRoleWithoutPrivilegesIsExit4NamingTheDatabase() throws {
    let db = try ScratchDatabase()
    let role = "cq_reader_" + db.name.suffix(8)
    let admin = try PGConnection(url: TestServer.adminURL!)
    try admin.execute(
      "create role \(role) login password '\(TestServer.password)'",
      "revoke all on database \(db.name) from public")
    defer { _ = try? admin.execute("drop owned by \(role)", "drop role if exists \(role)") }
    try admin.execute("grant connect on database \(db.name) to \(role)")
    let url = db.url.replacingOccurrences(of: "://cq@", with: "://\(role)@")
    let run = try cqLoad(TestPaths.bundledData.path, into: url)
    #expect(run.status == 4)
    let place = db.place.replacingOccurrences(of: "cq@", with: "\(role)@")
    #expect(run.stderr.hasPrefix("PostgreSQL at \(place): permission denied"), "\(run.stderr)")
    #expect(run.stderr.hasSuffix("; nothing was changed\n"))
    #expect(try db.tables() == [])
  }

  @Test func intoMustBeAPostgresURL() throws {
    let run = try cqLoad(TestPaths.bundledData.path, into: "mysql://x:secret@h/db")
    #expect(run.status == 1)
    #expect(run.stderr.contains("'--into' takes a PostgreSQL URL"))
    #expect(!run.stderr.contains("secret"))
  }
}

/// Row counts and a checksum of every table, to compare before and after a failed load.
private func snapshot(_ db: ScratchDatabase) throws -> [String] {
  try db.tables().map { table in
    let sum = try db.value(
      "select count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) from \(table) t"
    )
    return "\(table) \(sum ?? "")"
  }
}

/// The sharded layout of `Tests/postgres/shard.sh` (`CQ_PG_SHARDED_URL`): every fact row is on
/// exactly one shard server, an influencer's rows all on the same one, and nothing is lost.
@Suite(
  .enabled(
    if: TestServer.environment["CQ_PG_SHARDED_URL"] != nil,
    "CQ_PG_SHARDED_URL is not set (with-servers.sh --load DIR sets it)"))
struct ShardedLayoutTests {
  @Test func factRowsLiveOnTheShardsSplitByInfluencer() throws {
    let env = TestServer.environment
    let main = try PGConnection(url: try #require(TestServer.url))
    let sharded = try PGConnection(url: try #require(env["CQ_PG_SHARDED_URL"]))
    let shards = try [env["CQ_PG_SHARD1_URL"], env["CQ_PG_SHARD2_URL"]].map {
      try PGConnection(url: try #require($0))
    }
    func count(_ c: PGConnection, _ table: String) throws -> Int {
      Int(try c.query("select count(*) from \(table)").rows[0][0] ?? "") ?? -1
    }
    let kinds = try sharded.query(
      "select relname, relkind::text from pg_class where relnamespace = 'public'::regnamespace and relname in ('influencers', 'tracking_data', 'tracking_data_shard1') order by 1"
    ).rows
    #expect(
      kinds == [["influencers", "r"], ["tracking_data", "p"], ["tracking_data_shard1", "f"]])
    let facts = try main.query(
      "select tablename from pg_tables where schemaname = 'public' and tablename in ('tracking_data', 'posts', 'payouts', 'store_orders') order by 1"
    ).rows.map { $0[0] ?? "" }
    #expect(facts.count >= 3)
    for table in facts {
      let onShards = try shards.map { try count($0, table) }
      #expect(onShards.allSatisfy { $0 > 0 }, "\(table): \(onShards)")
      #expect(onShards.reduce(0, +) == (try count(main, table)), "\(table)")
      #expect(try count(sharded, table) == (try count(main, table)), "\(table)")
    }
    #expect(try count(sharded, "influencers") == (try count(main, "influencers")))
    let ids = try shards.map {
      Set(try $0.query("select distinct influencer_id from tracking_data").rows.map { $0[0] ?? "" })
    }
    #expect(ids[0].isDisjoint(with: ids[1]))
    let revenue = "select sum(revenue)::text, sum(cq_row)::text from tracking_data"
    #expect(try sharded.query(revenue).rows == main.query(revenue).rows)
  }
}

/// Every row of every loaded table equals what cq's own `sample TABLE` shows for the folder
/// (money in rupees, dates as text), in file order (`cq_row`); products, which has no row
/// number, as a set.
func expectTablesMatchSample(
  folder: String, db: ScratchDatabase, sourceLocation: SourceLocation = #_sourceLocation
) throws {
  for table in try db.tables() {
    let run = try runCQ([
      "--norc", "--data", folder, "--format", "csv", "-c", "sample \(table) 10000000",
    ])
    #expect(run.status == 0, "\(run.stderr)", sourceLocation: sourceLocation)
    var shown = parseCSV(run.stdout)
    guard !shown.isEmpty else { continue }
    let header = shown.removeFirst()
    let money: Set<String> = ["revenue", "total_payout", "rate"]
    let select = header.map { column in
      money.contains(column)
        ? "to_char(\(column) / 100.0, 'FM999999999999990.00')" : "\(column)::text"
    }.joined(separator: ", ")
    let ordered = PostgresLoadLayout.hasRowNumber(table)
    var stored = try db.rows("select \(select) from \(table)" + (ordered ? " order by cq_row" : ""))
      .map { $0.map { $0 ?? "NULL" } }
    if !ordered {
      shown.sort { $0.lexicographicallyPrecedes($1) }
      stored.sort { $0.lexicographicallyPrecedes($1) }
    }
    #expect(stored.count == shown.count, "\(table)", sourceLocation: sourceLocation)
    if let i = zip(stored, shown).enumerated().first(where: { $0.element.0 != $0.element.1 })?
      .offset
    {
      Issue.record(
        "\(table) row \(i): stored \(stored[i]), cq shows \(shown[i])",
        sourceLocation: sourceLocation)
    }
  }
}

/// Which tables carry `cq_row` (all but products).
enum PostgresLoadLayout {
  static func hasRowNumber(_ table: String) -> Bool {
    table != "products"
  }
}

/// Records of RFC 4180 CSV text (quoted fields may hold commas, quotes and line breaks).
func parseCSV(_ text: String) -> [[String]] {
  var records: [[String]] = []
  var record: [String] = []
  var field = ""
  var quoted = false
  var chars = Array(text.unicodeScalars)[...]
  while let c = chars.popFirst() {
    if quoted {
      if c == "\"" {
        if chars.first == "\"" {
          field.unicodeScalars.append("\"")
          chars.removeFirst()
        } else {
          quoted = false
        }
      } else {
        field.unicodeScalars.append(c)
      }
    } else if c == "\"" {
      quoted = true
    } else if c == "," {
      record.append(field)
      field = ""
    } else if c == "\n" {
      record.append(field)
      records.append(record)
      record = []
      field = ""
    } else if c == "\r" && chars.first == "\n" {
      continue
    } else {
      field.unicodeScalars.append(c)
    }
  }
  if !field.isEmpty || !record.isEmpty {
    record.append(field)
    records.append(record)
  }
  return records
}
