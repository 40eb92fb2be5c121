import Testing

/// The reference model checked against arithmetic written out by hand from the fixture rows,
/// so that the engine and the reference cannot be wrong in the same way unnoticed.
@Suite("Reference model: hand-worked numbers of the small fixture")
struct ReferenceSelfCheckTests {
  let ref: Reference

  init() throws { ref = try Reference(folder: EngineFixtures.path("small")) }

  @Test func csvReaderHandlesQuotes() {
    let records = TinyCSV.records("a,b\r\n\"x, \"\"y\"\"\",2\n\"multi\nline\",3\n")
    #expect(records == [["a", "b"], ["x, \"y\"", "2"], ["multi\nline", "3"]])
    #expect(ref.postsRaw[2]["caption"] == "She said \"yes\"")
    #expect(ref.postsRaw[0]["caption"] == "Leg day, no excuses")
  }

  @Test func sums() {
    // tracking_data.csv revenue column, row by row.
    let revenue: Int64 =
      1000_00 + 500_50 + 300_25 + 200_00 + 800_00 + 640_00 + 320_00 + 1500_00 + 99_99 + 250_00
    let orders: Int64 = 2 + 1 + 3 + 1 + 4 + 2 + 1 + 5 + 1 + 1
    // Customers: users u1 … u6.
    let sales: [RefValue] = [.paise(revenue), .integer(orders), .integer(10), .integer(6)]
    #expect(ref.expect(["revenue", "orders", "conversions", "customers"])[[]] == sales)
    // payouts.csv total_payout.
    let payout: Int64 = 1000_00 + 600_00 + 96_00 + 1500_00 + 4000_00 + 1000_00 + 40_00
    let paid: Int64 = 1000_00 + 96_00 + 4000_00
    let pending: Int64 = 600_00 + 1500_00 + 1000_00 + 40_00
    let spend: [RefValue] = [.paise(payout), .paise(paid), .paise(pending)]
    #expect(ref.expect(["payout", "paid_payout", "pending_payout"])[[]] == spend)
    let roas: [RefValue] = [.number(Double(revenue) / Double(payout))]
    #expect(ref.expect(["roas"])[[]] == roas)
    // posts.csv: reach, likes + comments, and Σ authors' followers (author 9 unknown → 0).
    let reach: Int64 = 1000 + 2000 + 5000 + 8000 + 10000 + 20000 + 500
    var engagements: Int64 = (100 + 10) + (150 + 5) + (200 + 20) + (400 + 40)
    engagements += (1000 + 50) + (800 + 80) + (50 + 5)
    let authorFollowers: Int64 = 5000 + 5000 + 45000 + 120000 + 750000 + 2_000_000 + 0
    let posts: [RefValue] = [
      .integer(7), .integer(reach), .integer(engagements),
      .number(Double(engagements) / Double(reach)),
      .number(Double(engagements) / Double(authorFollowers)),
    ]
    #expect(
      ref.expect(["posts", "reach", "engagements", "engagement_rate", "engagement_rate_followers"])[
        []] == posts)
  }

  @Test func firstPurchases() {
    // u1 2024-12-31 (1000.00), u2 2025-01-01 (500.50), u3 2025-01-05 (200.00),
    // u4 2025-01-07 (640.00 + 320.00), u5 2025-02-11 (1500.00), u6 2025-02-13 (250.00).
    let newRevenue: Int64 = 1000_00 + 500_50 + 200_00 + 640_00 + 320_00 + 1500_00 + 250_00
    let expected: [RefValue] = [.integer(6), .paise(newRevenue)]
    #expect(ref.expect(["new_customers", "incremental_revenue"])[[]] == expected)
    #expect(
      ref.expect(["new_customers"], by: ["campaign"]) == [
        ["C1"]: [.integer(4)], ["C2"]: [.integer(1)], ["C3"]: [.integer(1)],
      ])
  }

  @Test func largestRemainder() {
    // 1000.00 over orders 2, 1, 3: exact shares 333.33…, 166.66…, 500; remainders 2, 4, 0 (× 1/6).
    #expect(Reference.spread(100_000, weights: [2, 1, 3]) == [33_333, 16_667, 50_000])
    // Ties go to the earlier row: 1.00 over three equal weights.
    #expect(Reference.spread(100, weights: [1, 1, 1]) == [34, 33, 33])
    #expect(Reference.spread(200, weights: [1, 1, 1]) == [67, 67, 66])
    // Revenue weights of influencer 1 on C1: 1000.00, 500.50, 300.25 (sum 1800.75): floors 55532,
    // 27793, 16673; remainders 75100, 175525, 109525 (× 1/180075) → rows 2 and 3 get a paisa.
    #expect(
      Reference.spread(100_000, weights: [100_000, 50_050, 30_025]) == [55_532, 27_794, 16_674])
  }

  @Test func payoutByBrand() {
    // (1,C1) 1000.00 → rows 0,1,2 = 333.33, 166.67, 500.00; (1,C1) 40.00 → 13.33, 6.67, 20.00;
    // (3,C1) 96.00 → 64.00, 32.00; (2,C2) 600.00 → 120.00 (HKVitals), 480.00 (Gritzo);
    // (4,C3) 1500.00 → Gritzo; (5,C2) 4000.00 → HKVitals; (5,C1) 1000.00 has no rows.
    let muscleBlaze: Int64 = 33_333 + 16_667 + 1_333 + 667 + 6_400 + 3_200
    let hkVitals: Int64 = 50_000 + 2_000 + 12_000 + 400_000
    let gritzo: Int64 = 48_000 + 150_000
    let expected: [[String]: [RefValue]] = [
      ["MuscleBlaze"]: [.paise(muscleBlaze)], ["HKVitals"]: [.paise(hkVitals)],
      ["Gritzo"]: [.paise(gritzo)],
      ["(unattributed)"]: [.paise(100_000)],
    ]
    #expect(ref.expect(["payout"], by: ["brand"]) == expected)
    #expect(
      ref.expect(["payout"], where: .equal("source", "google"))[[]] == [.paise(50_000 + 2_000)])
  }

  @Test func isoWeeksAcrossTheYearBoundary() {
    // 2024-12-30 is a Monday: ISO week 1 of 2025 starts there.
    #expect(Reference.timeLabels("2024-12-31")["week"] == "2024-12-30")
    #expect(Reference.timeLabels("2025-01-05")["week"] == "2024-12-30")
    #expect(Reference.timeLabels("2025-01-06")["week"] == "2025-01-06")
    #expect(Reference.timeLabels("2025-01-06")["weekday"] == "Mon")
    #expect(Reference.timeLabels("2025-01-05")["weekday"] == "Sun")
    #expect(Reference.timeLabels("2024-12-31")["quarter"] == "2024-Q4")
    #expect(Reference.timeLabels("2025-02-13")["month"] == "2025-02")
  }

  @Test func orderGap() {
    // Order-basis payouts: (2,C2) paid 6, tracked 1 + 4 → +1; (1,C1) paid 4, tracked 2 + 1 + 3 → −2.
    #expect(ref.expect(["paid_orders", "order_gap"])[[]] == [.integer(10), .integer(-1)])
    #expect(
      ref.expect(["order_gap"], by: ["campaign"]) == [
        ["C1"]: [.integer(-2)], ["C2"]: [.integer(1)], ["C3"]: [.integer(0)],
      ])
  }
}
