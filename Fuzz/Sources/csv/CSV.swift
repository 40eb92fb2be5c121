// libFuzzer target: CSV bytes → cq's data loader, then queries over whatever loaded.
//
// Input layout: byte 0 is a selector, the rest is split at 0x01 bytes into up to six files.
//   bits 0-2  the table the first file replaces (mod 6, in `Harness.tables` order); file *i*
//             replaces table (first + i) mod 6; the other tables come from a small valid
//             fixture (all influencers and products of `Fuzz/Fixture`, 10 rows of the others)
//   bit 3     also parse with every file cut in two chunks (chunkThreshold 0): the result must
//             equal the one-piece parse (same success, `DataSet.firstDifference` nil)
//   bit 4     also write the binary cache and read it back: it must equal the parse
//   bit 5     leave the optional tables (products, store_orders) out unless the input gives them
// When the folder loads, a `Session` runs fixed queries over it (sums, ratios, tiers, lift,
// charts), so overflow and other semantic crashes on strange values are found too.
// Files go to a per-process temporary folder, rewritten for every input. `CQ_FUZZ_VERBOSE=1`
// copies the session's output to stderr.
import CQShell
import Foundation
@testable import CQStorage

enum Harness {
  static let tables = [
    "influencers", "posts", "tracking_data", "payouts", "products", "store_orders",
  ]
  static let optional: Set<String> = ["products", "store_orders"]

  /// The fixture's bytes per table: whole influencers and products, 10 rows of the others.
  static let fixture: [String: [UInt8]] = {
    let here = URL(fileURLWithPath: #filePath)
    let folder = here.deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Fixture")
    var files: [String: [UInt8]] = [:]
    for name in tables {
      guard
        let data = FileManager.default.contents(
          atPath: folder.appendingPathComponent(name + ".csv").path)
      else {
        fatalError("fuzz: missing fixture file \(name).csv in \(folder.path)")
      }
      var bytes = [UInt8](data)
      if !["influencers", "products"].contains(name) {
        var lines = 0
        if let cut = bytes.firstIndex(where: { b in
          if b == UInt8(ascii: "\n") { lines += 1 }
          return lines == 11
        }) {
          bytes = Array(bytes[...cut])
        }
      }
      files[name] = bytes
    }
    return files
  }()

  static let folder: String = {
    setenv("CQ_NO_CACHE", "1", 1)  // the session's load parses; the cache is tested on purpose
    let base =
      FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    // Folders of earlier processes that crashed (no atexit ran) go first.
    for stale in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    where stale.hasPrefix("cq-fuzz-csv-") {
      if let pid = pid_t(stale.dropFirst("cq-fuzz-csv-".count)), kill(pid, 0) != 0, errno == ESRCH {
        try? FileManager.default.removeItem(atPath: base + "/" + stale)
      }
    }
    let path = base + "/cq-fuzz-csv-\(getpid())"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: Harness.folder) }
    return path
  }()

  static let queries = """
    revenue, orders, payout, roas by campaign
    roas, roas_delta by brand
    followers by platform
    payout, paid_payout, pending_payout by basis
    paid_orders, order_gap by campaign
    payout, revenue, roi by influencer having roi < 0 order by roi limit 10
    posts, engagement_rate, engagement_rate_followers by tier
    top 10 influencer by score
    cpm, cpe by platform
    new_customers, incremental_revenue, incremental_roas, cac by campaign
    lift_revenue, iroas, revenue, roas by brand
    lift_revenue_low, lift_revenue, lift_revenue_high by month
    revenue by campaign, week chart spark
    revenue by platform chart bar
    engagement_rate by category, gender
    sample influencers 5
    describe roas
    """
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  guard size > 0 else { return -1 }
  let input = UnsafeBufferPointer(start: data, count: size)
  let selector = Int(input[0])
  let folder = Harness.folder
  let fixture = Harness.fixture

  // The files of this input, then the fixture for the rest.
  var files: [String: ArraySlice<UInt8>] = [:]
  let chunks = input[1...].split(separator: 1, maxSplits: 5, omittingEmptySubsequences: false)
  for (i, chunk) in chunks.enumerated() {
    files[Harness.tables[(selector & 7 + i) % Harness.tables.count]] = ArraySlice(chunk)
  }
  for name in Harness.tables {
    let path = folder + "/" + name + ".csv"
    if selector & 32 != 0, files[name] == nil, Harness.optional.contains(name) {
      unlink(path)
    } else if !FileManager.default.createFile(
      atPath: path, contents: Data(files[name] ?? fixture[name, default: []][...]))
    {
      fatalError("fuzz: cannot write \(path)")
    }
  }
  try? FileManager.default.removeItem(atPath: folder + "/.cq-cache")

  let whole: DataSet?
  do { whole = try DataLoader.load(folder: folder, chunkThreshold: .max) } catch { whole = nil }

  if selector & 8 != 0 {
    let chunked: DataSet?
    do { chunked = try DataLoader.load(folder: folder, chunkThreshold: 0) } catch { chunked = nil }
    switch (whole, chunked) {
    case (let w?, let c?):
      if let difference = w.firstDifference(from: c) {
        fatalError("fuzz: the chunked parse differs from the one-piece parse: \(difference)")
      }
    case (nil, nil): break
    default:
      fatalError(
        "fuzz: the chunked parse \(chunked == nil ? "fails" : "succeeds") where the one-piece parse does not"
      )
    }
  }

  guard let whole else { return 0 }

  if selector & 16 != 0 {
    do {
      _ = try DataLoader.loadReportingCache(folder: folder, cache: .rebuild, minimumSourceBytes: 0)
      let (cached, report) = try DataLoader.loadReportingCache(
        folder: folder, cache: .use, minimumSourceBytes: 0)
      if report.readFromCache, let difference = whole.firstDifference(from: cached) {
        fatalError("fuzz: the cached data differs from the parse: \(difference)")
      }
    } catch {
      fatalError("fuzz: a load that parsed fails through the cache: \(error)")
    }
    try? FileManager.default.removeItem(atPath: folder + "/.cq-cache")
  }

  var options = SessionOptions()
  options.continueOnError = true
  options.terminalWidth = { 100 }
  let echo = ProcessInfo.processInfo.environment["CQ_FUZZ_VERBOSE"] == "1"
  let session = Session(
    options: options, out: { if echo { FileHandle.standardError.write(Data($0.utf8)) } },
    err: { if echo { FileHandle.standardError.write(Data($0.utf8)) } })
  guard session.load(folder: folder, quiet: true) else {
    fatalError("fuzz: the session cannot load a folder DataLoader loaded")
  }
  session.execute(Harness.queries, fileName: "fuzz")
  session.execute(
    "set format json\nrevenue, roas, followers by influencer\nset totals on\nset format markdown\npayout, orders by platform",
    fileName: "fuzz")
  session.finish()
  return 0
}
