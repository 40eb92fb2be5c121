import CQEngine
import CQLanguage
import Foundation

/// What the tutorial needs from the shell: a line reader, an output, and a way to run
/// statements exactly as the shell would.
public protocol TutorialHost: AnyObject {
  /// Reads one line; `nil` at the end of input (Ctrl-D), `""` after Ctrl-C.
  func readLine(prompt: String) -> String?
  /// Whether the last ``readLine(prompt:)`` ended with Ctrl-C.
  var lastLineWasInterrupted: Bool { get }
  /// Writes text to standard output as is (the tutorial supplies newlines).
  func write(_ text: String)
  /// Runs a statement as the shell would (prints its output).
  ///
  /// - Returns: the result's column names on success, `nil` after printing an error.
  func run(_ statement: String) -> [String]?
}

extension TutorialHost {
  /// Hosts without a keyboard are never interrupted.
  public var lastLineWasInterrupted: Bool { false }
}

/// `tutorial`: a guided walk through the data model that asks the user to type real queries.
///
/// ```
/// tutorial
/// ```
///
/// Each step explains an idea, asks for a statement, runs what the user types through the
/// host, and checks the result's columns and the statement as the parser reads it. A wrong answer gets a note on what differs and a
/// hint; `skip` skips a step, `hint` shows the hint, `quit` or Ctrl-D leaves.
public struct Tutorial {
  /// One question of the tutorial.
  struct Step {
    /// A short title (`revenue by campaign`).
    var title: String
    /// What to read before typing.
    var lesson: String
    /// The statement the step asks for.
    var answer: String
    /// The statement's keyword when it must be a particular statement (`explain`), as
    /// ``statementKeyword(_:)`` names it.
    var keyword: String?
    /// Columns the result must contain (catalog names, any order).
    var columns: [String]
    /// Whether the statement must ask for a chart.
    var needsChart: Bool = false
    /// What else the query must do (a filter, a limit), as a problem when it does not.
    var requirement: (@Sendable (QueryStmt) -> String?)? = nil
    /// What to read after a correct answer.
    var debrief: String
  }

  /// Runs the tutorial until its end, `quit`, or the end of input.
  public static func run(host: TutorialHost) {
    host.write(introduction)
    guard let first = host.readLine(prompt: "Press Enter to start (or type quit) ") else {
      host.write("\n")
      return
    }
    // Ctrl-C at "Press Enter" cancels, as it cancels a line at the shell's prompt.
    if host.lastLineWasInterrupted { return host.write("tutorial cancelled\n") }
    if isQuit(first) { return host.write(farewell) }

    for (index, step) in steps.enumerated() {
      host.write("\n── Step \(index + 1) of \(steps.count): \(step.title) ──\n\n")
      host.write(step.lesson + "\n\n    Type: " + step.answer + "\n\n")
      switch ask(step, host: host) {
      case .passed:
        host.write("\n✓ " + step.debrief + "\n")
      case .skipped:
        host.write("Skipped. (The statement was: \(step.answer))\n")
      case .left:
        return host.write(farewell)
      }
    }
    host.write(conclusion)
  }

  enum Outcome { case passed, skipped, left }

  /// Asks until the step is answered, skipped or the user leaves.
  static func ask(_ step: Step, host: TutorialHost) -> Outcome {
    while true {
      guard let raw = host.readLine(prompt: "tutorial> ") else {
        host.write("\n")
        return .left
      }
      let line = raw.trimmingCharacters(in: .whitespaces)
      let word = line.lowercased()
      switch word {
      case "":
        host.write("Type: \(step.answer)   (or skip, hint, quit)\n")
        continue
      case "skip", "next":
        return .skipped
      case "quit", "exit", "q", "\\q":
        return .left
      case "hint", "help", "?":
        host.write("Hint: type exactly  \(step.answer)\n")
        continue
      case "tutorial":
        host.write("You are in the tutorial already. Type: \(step.answer)\n")
        continue
      default:
        break
      }
      let columns = host.run(line)
      if let problem = check(line, columns: columns, against: step) {
        host.write("\n" + problem + "\nHint: type  \(step.answer)   (or skip, quit)\n")
        continue
      }
      return .passed
    }
  }

  /// Why the user's statement does not answer the step, or `nil` when it does.
  ///
  /// The statement is judged as the parser reads it (its syntax tree), never by its words.
  static func check(_ statement: String, columns: [String]?, against step: Step) -> String? {
    guard let columns, let stmt = Parser.parseStatements(statement).first?.node?.stmt else {
      return "That statement did not run (the message above says why)."
    }
    if let keyword = step.keyword, statementKeyword(stmt) != keyword {
      return "That ran, but this step is about '\(keyword)': start the statement with it."
    }
    let query: QueryStmt? =
      switch stmt {
      case .query(let query), .explain(let query): query
      default: nil
      }
    if step.needsChart, query?.chart == nil {
      return "That ran, but this step asks for a chart: add chart KIND at the end."
    }
    let have = Set(columns.map { $0.lowercased() })
    let missing = step.columns.filter { !have.contains($0.lowercased()) }
    if !missing.isEmpty {
      let shown = columns.isEmpty ? "no columns" : "columns " + columns.joined(separator: ", ")
      return "That ran, but the result has \(shown); this step wants "
        + step.columns.joined(separator: ", ") + " (missing: "
        + missing.joined(separator: ", ") + ")."
    }
    guard let requirement = step.requirement else { return nil }
    guard let query else { return "That ran, but this step asks for a query: type \(step.answer)" }
    return requirement(query)
  }

  /// The keyword a statement starts with (`explain`, `schema`, `top`); `nil` for a plain
  /// query and for statements no step asks for.
  static func statementKeyword(_ stmt: Stmt) -> String? {
    switch stmt {
    case .query(let query): query.top.map { $0.bottom ? "bottom" : "top" }
    case .explain: "explain"
    case .describe: "describe"
    case .show: "show"
    case .schema: "schema"
    case .sample: "sample"
    default: nil
    }
  }

  static func isQuit(_ line: String) -> Bool {
    ["quit", "exit", "q", "\\q"].contains(line.trimmingCharacters(in: .whitespaces).lowercased())
  }

  static let introduction = """

    Welcome to cq. This tutorial is a short tour of the data and then eight questions
    you answer by typing real queries. At any step: skip skips it, hint shows the
    statement, quit (or Ctrl-D) leaves.

    The data is four tables (CSV files in one folder):

      influencers    one row per influencer: id, name, category, gender,
                     follower_count, platform
      posts          what they posted: platform, date, reach, likes, comments
      tracking_data  orders tracked to an influencer's link or code: campaign,
                     product, user, date, orders, revenue
      payouts        what each influencer was paid: basis (post, order, commission or
                     hybrid), rate, orders, total_payout, and campaign and status

    A folder may also hold products (product to brand) and store_orders (every order
    of the store, for measured lift); schema lists them when they are there.

    How they join: every fact table (posts, tracking_data, payouts) points at
    influencers.id through its influencer_id, and tracking_data and payouts share
    campaign. So revenue (from tracking_data) and payout (from payouts) meet per
    influencer and campaign, which is exactly what ROAS needs.

    You never write joins. You name metrics (revenue, roas, engagement_rate) and
    dimensions (campaign, brand, platform, week); cq adds each table up on its own at
    the grain you asked for and joins the totals, so no payout is counted twice.


    """

  static let farewell = "\nLeaving the tutorial. Type tutorial to start again, help for more.\n"

  static let conclusion = """

    That's the tour. From here:
      help                 the overview and every topic
      help allocation      how payouts are spread over orders
      help incrementality  what incremental_revenue can and cannot claim
      show metrics         every metric with its formula
      describe roas        one metric in depth, with an example

    """

  static let steps: [Step] = [
    Step(
      title: "the schema",
      lesson: """
        First, see the tables for yourself: their columns, types, row counts and the
        relationships cq uses to join them.
        """,
      answer: "schema", keyword: "schema", columns: [],
      debrief: """
        Four main tables, one key: influencer_id. posts, tracking_data and payouts all
        point at influencers, and tracking_data and payouts also share campaign.
        """),
    Step(
      title: "revenue by campaign",
      lesson: """
        How much revenue did each campaign bring? revenue is a metric (the sum of
        tracking_data.revenue); campaign is a dimension. 'by' groups the metric by it.
        """,
      answer: "revenue by campaign", keyword: nil, columns: ["campaign", "revenue"],
      debrief: """
        One row per campaign, the dimension first, then the metric. Without 'order by',
        rows are sorted by the first metric, largest first.
        """),
    Step(
      title: "ROAS for one brand",
      lesson: """
        ROAS (return on ad spend) is revenue ÷ payout: rupees of tracked revenue per
        rupee paid to influencers. 3.42x means ₹3.42 back for every ₹1 paid.

        Payouts are known per influencer and campaign, but not per brand. So to answer
        for one brand, cq spreads each payout over that influencer's orders (weights
        computed over all orders, before the filter) and keeps MuscleBlaze's share.
        Otherwise an influencer selling three brands would be charged three times.
        """,
      answer: "roas by campaign where brand=MuscleBlaze", keyword: nil,
      columns: ["campaign", "roas"],
      requirement: { query in
        guard let condition = query.whereClause else {
          return "That ran, but it covers every brand; this step wants MuscleBlaze only: "
            + "add where brand=MuscleBlaze."
        }
        guard condition.keeps(only: "MuscleBlaze", of: .brand) else {
          return "That ran, but this step wants MuscleBlaze only: the condition should be "
            + "brand=MuscleBlaze."
        }
        return nil
      },
      debrief: """
        'where' filters rows before anything is added up. The ratio is computed from
        the sums (total revenue ÷ total payout), never as an average of per-row ratios.
        Spend that no order can carry shows up as (unattributed): help allocation.
        """),
    Step(
      title: "top influencers",
      lesson: """
        Who brought the most revenue? 'top N' lists the best N groups:
        top 5 influencer by revenue is revenue by influencer order by revenue desc limit 5.
        """,
      answer: "top 5 influencer by revenue", keyword: nil,
      columns: ["influencer", "revenue"],
      requirement: { query in
        guard query.keepsOnlyBest(5) else {
          return "That ran, but this step wants the best 5 only: start with top 5 "
            + "(or end with limit 5)."
        }
        return nil
      },
      debrief: """
        'bottom 5 influencer by roas' finds the weakest. Two influencers with the same
        name are shown as name (#id).
        """),
    Step(
      title: "engagement by platform",
      lesson: """
        Posts have reach, likes and comments. engagement_rate is (likes + comments) ÷
        reach, summed over the group's posts first, so one viral post weighs by its
        reach instead of counting as much as a tiny one.
        """,
      answer: "engagement_rate by platform", keyword: nil,
      columns: ["platform", "engagement_rate"],
      debrief: """
        Posts carry no brand or product, so engagement_rate by brand is an error that
        says why. engagement_rate_followers divides by followers instead of reach.
        """),
    Step(
      title: "incremental ROAS",
      lesson: """
        Would those sales have happened anyway? incremental_roas divides
        incremental_revenue by payout, and incremental_revenue is a heuristic: the
        revenue of new customers (purchases on a user's first purchase date). It
        assumes a brand-new customer came because of the influencer; some would have
        bought anyway, so read it as "revenue from new customers", not proven lift.
        """,
      answer: "incremental_roas by campaign", keyword: nil,
      columns: ["campaign", "incremental_roas"],
      debrief: """
        True incrementality needs a baseline of all store orders (store_orders) to
        estimate what would have sold without the posts. With it, try
        lift_revenue, iroas by brand — and help incrementality for the method.
        """),
    Step(
      title: "explain",
      lesson: """
        Any query can be explained: which tables are read, the grain each is added up
        to, how they are joined, which filters apply, and whether payouts were spread.
        """,
      answer: "explain roas by brand", keyword: "explain", columns: [],
      debrief: """
        Brand is not a payout column, so payouts were spread over orders to reach it.
        When a number surprises you, explain it first.
        """),
    Step(
      title: "a chart",
      lesson: """
        Add 'chart KIND' to a query to draw it: bar, line, spark, scatter or hist.
        A line chart needs a time dimension such as day, week or month.
        """,
      answer: "revenue by week chart line", keyword: nil, columns: ["week", "revenue"],
      needsChart: true,
      debrief: """
        Weeks are ISO weeks labelled by their Monday. 'last chart bar' redraws the
        previous result another way; 'last > revenue.csv' saves it.
        """),
  ]
}

extension ConditionExpr {
  /// Whether the condition keeps only rows whose `dimension` is `value` (any case): an `=` or a
  /// one-value `in` on it, alone or under `and`.
  func keeps(only value: String, of dimension: CQEngine.Dimension) -> Bool {
    switch self {
    case .compare(let name, .equal, let literal):
      CQEngine.Dimension.named(name.text) == dimension
        && literal.text.lowercased() == value.lowercased()
    case .inList(let name, let values, negated: false):
      CQEngine.Dimension.named(name.text) == dimension && values.count == 1
        && values[0].text.lowercased() == value.lowercased()
    case .and(let left, let right):
      left.keeps(only: value, of: dimension) || right.keeps(only: value, of: dimension)
    default: false
    }
  }
}

extension QueryStmt {
  /// Whether the query keeps only the best `count` rows: `top N`, or `limit N` in the default
  /// or a descending order.
  func keepsOnlyBest(_ count: Int) -> Bool {
    if let top { return top.count == count && !top.bottom }
    guard limit == count else { return false }
    return orderBy.first.map { $0.descending || !$0.explicit } ?? true
  }
}
