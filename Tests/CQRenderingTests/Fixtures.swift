import CQStorage

/// Small result sets shaped like the engine's, with the awkward cases the renderers must handle.
enum Fixtures {
  static func dim(_ name: String, time: TimeGrain? = nil) -> ResultColumn {
    ResultColumn(name: name, role: .dimension(time: time), format: time == nil ? .text : .date)
  }

  static func metric(_ name: String, _ format: ValueFormat) -> ResultColumn {
    ResultColumn(name: name, role: .metric, format: format)
  }

  /// `revenue, payout, roas, engagement_rate, orders, cpe by campaign` with an `(other)` row,
  /// a totals row, a negative and empty cells.
  static var campaigns: ResultSet {
    ResultSet(
      columns: [
        dim("campaign"), metric("revenue", .money), metric("payout", .money),
        metric("roas", .multiple),
        metric("engagement_rate", .percent), metric("orders", .integer), metric("cpe", .money),
        metric("order_gap", .integer),
      ],
      rows: [
        [
          .text("Campaign_3"), .paise(17_879_815_70), .paise(4_123_456_00), .number(4.336_112_3),
          .number(0.067_6), .integer(1_787_981), .number(12.345), .integer(-42),
        ],
        [
          .text("Monsoon, \"Whey\" push"), .paise(12_345), .paise(0), .empty,
          .number(0.000_012), .integer(7), .empty, .integer(0),
        ],
        [
          .text("Campaign_10"), .paise(-5_000), .paise(99_99), .number(-0.5),
          .number(0.123_456_789), .integer(0), .number(0.5), .integer(3),
        ],
        [
          .text("(other)"), .paise(1_00_00_000_00), .paise(25_00_000_00), .number(4.0),
          .number(0.05), .integer(10_500), .number(1_234.5), .integer(12),
        ],
        [
          .text("(total)"), .paise(1_17_84_075_15), .paise(66_23_556_99), .number(2.691_333),
          .number(0.061), .integer(1_798_488), .number(250.0), .integer(-27),
        ],
      ],
      rowKinds: [.normal, .normal, .normal, .other, .total])
  }

  /// `revenue, roas by influencer` with Devanagari, accented, CJK and emoji names.
  static var influencers: ResultSet {
    ResultSet(
      columns: [dim("influencer"), metric("revenue", .money), metric("roas", .multiple)],
      rows: [
        [.text("आरव शर्मा"), .paise(45_678_90), .number(3.42)],
        [.text("Zoë Fernandes"), .paise(12_345_00), .number(1.2)],
        [.text("Kabir 👨‍👩‍👧 Rao"), .paise(9_999_99), .empty],
        [.text("李小龙"), .paise(500_00), .number(0.25)],
        [.text("Ananya 🌸"), .paise(-1_250_00), .number(-0.1)],
        [.text("José Ñúñez"), .paise(0), .number(0)],
      ])
  }

  /// `revenue, payout by week` over 13 weeks.
  static var weekly: ResultSet {
    let revenue: [Int64] = [
      120_000, 135_500, 98_000, 160_250, 172_000, 150_000, 190_500,
      210_000, 205_000, 180_000, 230_000, 260_500, 240_000,
    ]
    let payout: [Int64] = [
      40_000, 42_000, 45_000, 50_000, 48_000, 60_000, 55_000,
      58_000, 70_000, 65_000, 72_000, 75_000, 80_000,
    ]
    return ResultSet(
      columns: [dim("week", time: .week), metric("revenue", .money), metric("payout", .money)],
      rows: revenue.indices.map { i in
        [.text(weekLabel(i)), .paise(revenue[i] * 100), .paise(payout[i] * 100)]
      })
  }

  static func weekLabel(_ i: Int) -> String {
    // Mondays from 2025-04-21, seven days apart.
    let days = [30, 31, 30, 31]  // April, May, June, July
    var month = 0
    var day = 21 + 7 * i
    while month < days.count && day > days[month] {
      day -= days[month]
      month += 1
    }
    let d = day < 10 ? "0\(day)" : "\(day)"
    return "2025-0\(month + 4)-\(d)"
  }

  /// `revenue by campaign, week`: three campaigns over eight weeks, with gaps.
  static var campaignWeeks: ResultSet {
    let series: [(String, [Int64?])] = [
      ("Campaign_1", [10_000, 12_000, 15_000, 14_000, 18_000, 22_000, 21_000, 25_000]),
      (
        "Monsoon Whey Protein Push 2025",
        [30_000, 25_000, 20_000, nil, 15_000, 12_000, 9_000, 6_000]
      ),
      ("आरव शर्मा", [5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000]),
    ]
    var rows: [[Value]] = []
    for (name, values) in series {
      for (i, v) in values.enumerated() {
        if let v { rows.append([.text(name), .text(weekLabel(i)), .paise(v * 100)]) }
      }
    }
    return ResultSet(
      columns: [dim("campaign"), dim("week", time: .week), metric("revenue", .money)], rows: rows)
  }

  /// `followers, revenue by influencer`: 30 influencers with a spread of sizes.
  static var followersRevenue: ResultSet {
    var state: UInt64 = 42
    func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    let names = ["आरव शर्मा", "Zoë Fernandes", "Kabir 👨‍👩‍👧 Rao", "Ishaan Mehta", "Priya Nair"]
    var rows: [[Value]] = []
    for i in 0..<30 {
      let followers = Int64(next() % 900_000) + 2_000
      let revenue = followers / 10 * Int64(next() % 80 + 10)
      let name = i < names.count ? names[i] : "influencer_\(i + 1)"
      rows.append([.text(name), .integer(followers), .paise(revenue)])
    }
    rows.append([.text("Empty Ekta"), .integer(5_000), .empty])
    return ResultSet(
      columns: [dim("influencer"), metric("followers", .integer), metric("revenue", .money)],
      rows: rows)
  }

  /// `posts by tier` with the thresholds as a footnote.
  static var tiers: ResultSet {
    ResultSet(
      columns: [dim("tier"), metric("posts", .integer), metric("engagement_rate", .percent)],
      rows: [
        [.text("nano"), .integer(1_204), .number(0.0812)],
        [.text("micro"), .integer(3_877), .number(0.0633)],
        [.text("mid"), .integer(4_010), .number(0.041)],
        [.text("macro"), .integer(612), .number(0.0205)],
        [.text("mega"), .integer(297), .number(0.0119)],
      ],
      footnotes: ["tiers: nano < 10k, micro < 50k, mid < 500k, macro < 1M, mega ≥ 1M followers"])
  }

  /// `revenue by influencer` with 100 rows (for row elision).
  static var manyRows: ResultSet {
    ResultSet(
      columns: [dim("influencer"), metric("revenue", .money)],
      rows: (1...100).map { i in [.text("influencer_\(i)"), .paise(Int64(101 - i) * 1_234_567)] })
  }

  static var empty: ResultSet {
    ResultSet(columns: [dim("campaign"), metric("revenue", .money)], rows: [])
  }

  static var singleRow: ResultSet {
    ResultSet(
      columns: [dim("campaign"), metric("revenue", .money)],
      rows: [[.text("Campaign_1"), .paise(1_000_00)]])
  }

  static var allEmpty: ResultSet {
    ResultSet(
      columns: [dim("campaign"), metric("roas", .multiple)],
      rows: [[.text("Campaign_1"), .empty], [.text("Campaign_2"), .empty]])
  }
}
