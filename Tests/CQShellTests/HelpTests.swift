import Testing

@testable import CQShell

@Suite struct HelpTests {
  @Test func overviewHasRunnableExamplesAndListsTopics() {
    let text = Help.overview()
    for example in [
      "roas by campaign where brand=MuscleBlaze",
      "top 10 influencer by revenue where platform=Instagram",
      "revenue by week chart line",
      "explain roas by brand",
    ] {
      #expect(text.contains(example), "overview lacks '\(example)'")
    }
    for topic in Help.topics {
      #expect(text.contains(topic), "overview does not mention topic '\(topic)'")
    }
    #expect(text.contains("tutorial"))
  }

  @Test(arguments: Help.topics)
  func everyTopicHasText(topic: String) throws {
    let text = try #require(Help.topic(topic))
    #expect(text.count > 80)
    #expect(text.lowercased().contains(topic))
    #expect(Help.topic(topic.uppercased()) == text)
  }

  @Test func topicsCoverEveryStatementFamilyAndChart() {
    let required = [
      "query", "top", "explain", "describe", "show", "schema", "sample", "define", "set", "last",
      "load", "run", "tutorial", "quit", "sales", "incrementality", "engagement", "spend",
      "allocation", "dimensions", "conditions", "formats", "bar", "line", "spark", "scatter",
      "hist",
    ]
    for topic in required { #expect(Help.topics.contains(topic), "missing topic \(topic)") }
    #expect(Set(Help.topics).count == Help.topics.count)
  }

  /// Every word the overview offers after "help TOPIC, with TOPIC one of" answers, including
  /// the group names at the start of each row (help statements, help language, help shell).
  @Test func everyWordTheOverviewOffersIsATopic() throws {
    let overview = Help.overview()
    let start = try #require(overview.range(of: "with TOPIC one of"))
    let end = try #require(overview.range(of: "or a metric or dimension name"))
    let listed = overview[start.upperBound..<end.lowerBound]
      .split(whereSeparator: { $0 == " " || $0 == "\n" })
      .map(String.init)
      .filter { $0.allSatisfy { $0.isLetter } }
    #expect(listed.contains("statements") && listed.contains("language") && listed.contains("keys"))
    for word in listed {
      #expect(Help.topic(word) != nil, "the overview offers 'help \(word)' but it has no text")
    }
  }

  /// `help keys` says where history lives and what Tab, Ctrl-C and Ctrl-D do.
  @Test func keysExplainsHistoryCompletionAndContinuation() throws {
    let text = try #require(Help.topic("keys"))
    for phrase in [
      "~/.cq_history", "CQ_HISTORY", "XDG_STATE_HOME", "Tab", "Ctrl-C", "Ctrl-D", "...>",
      "brand=Mu<Tab>",
    ] {
      #expect(text.contains(phrase), "help keys lacks '\(phrase)'")
    }
    #expect(Help.topic("history") == text)
    #expect(Help.topic("completion") == text)
  }

  @Test func unknownTopicIsNil() {
    #expect(Help.topic("roaz") == nil)
    #expect(Help.topic("") == nil)
  }

  @Test func metricAndDimensionNamesLeadToTheirTopic() {
    // A metric: its own entry from the catalogue, then its family's topic.
    for (metric, family) in [
      ("roas", "spend"), ("incremental_revenue", "incrementality"),
      ("engagement_rate", "engagement"),
      ("aov", "sales"), ("influencers", "engagement"), ("followers", "engagement"),
    ] {
      let text = Help.topic(metric) ?? ""
      #expect(text.hasPrefix(metric + " "), "\(metric)")
      #expect(text.hasSuffix(Help.topic(family) ?? "-"), "\(metric) is in \(family)")
    }
    #expect(Help.topic("payout")?.hasPrefix("payout (alias spend) — ") == true)
    #expect(Help.topic("week") == Help.topic("dimensions"))
    #expect(Help.topic("bottom") == Help.topic("top"))
  }

  @Test func everySpecMetricIsExplainedInItsFamily() throws {
    let families: [String: [String]] = [
      "sales": ["revenue", "orders", "conversions", "customers", "aov", "conversion_rate"],
      "incrementality": [
        "new_customers", "incremental_revenue", "incremental_roas", "cac", "roas_delta",
      ],
      "engagement": [
        "posts", "reach", "likes", "comments", "engagements", "engagement_rate",
        "engagement_rate_followers", "cpe", "cpm", "influencers", "followers",
      ],
      "spend": [
        "payout", "spend", "paid_payout", "pending_payout", "paid_orders", "order_gap", "roas",
        "roi", "score",
      ],
    ]
    for (family, metrics) in families {
      let text = try #require(Help.topic(family))
      for metric in metrics { #expect(text.contains(metric), "\(family) lacks \(metric)") }
    }
  }

  @Test func setListsEverySetting() throws {
    let text = try #require(Help.topic("set"))
    for setting in Setting.all.map(\.name) {
      #expect(text.contains("\n  \(setting) "), "set lacks \(setting)")
    }
  }

  @Test func incrementalityIsCandidAboutTheHeuristic() throws {
    let text = try #require(Help.topic("incrementality"))
    #expect(text.contains("heuristic"))
    #expect(text.contains("store_orders"))
    #expect(text.contains("lift_revenue") && text.contains("iroas"))
  }

  @Test func allocationExplainsUnattributedSpend() throws {
    let text = try #require(Help.topic("allocation"))
    for phrase in [
      "(unattributed)", "largest remainder", "before filters", "set allocation revenue",
    ] {
      #expect(text.contains(phrase), "allocation lacks '\(phrase)'")
    }
  }

  @Test func dimensionsStateTiersAndTimeLabels() throws {
    let text = try #require(Help.topic("dimensions"))
    for phrase in ["nano < 10k", "mega ≥ 1M", "2025-Q2", "Mon", "post_platform", "weekday"] {
      #expect(text.contains(phrase), "dimensions lacks '\(phrase)'")
    }
  }

  @Test func linesFitAnEightyEightColumnTerminal() {
    for topic in Help.topics {
      for line in (Help.topic(topic) ?? "").split(separator: "\n") {
        #expect(line.count <= 88, "help \(topic): line too long: \(line)")
      }
    }
    for line in Help.overview().split(separator: "\n") {
      #expect(line.count <= 88, "overview line too long: \(line)")
    }
  }
}

@Suite struct HelpAliasTests {
  @Test func everyAliasLeadsToATopic() {
    for (alias, target) in Help.aliases {
      #expect(Help.topics.contains(target), "alias \(alias) → unknown topic \(target)")
      #expect(Help.topic(alias) != nil)
    }
  }
}
